"""static/js/lib/dom.js's keyed redraw, run in chromium on a blank page of the real server: unchanged items keep
their nodes, new ones are inserted where they belong, moved ones move with the fewest moves, removed ones go,
a changed one is replaced in place with the focus, typed text and opened fold carried to its new node."""
import pytest

from tests.browser.helpers import context, open_page

pytestmark = pytest.mark.timeout(120)

SETUP = """async () => {
    document.body.replaceChildren();
    const { el, reconcile } = await import('/static/js/lib/dom.js');
    const list = el('ul');
    document.body.append(list);
    const card = (it) => el('li', { dataset: { id: it.id } }, el('h3', { text: it.title }),
        el('details', {}, el('summary', { text: 'plus' }), el('input', { name: 'note', type: 'text' })),
        el('button', { type: 'button', class: 'act', text: 'Agir' }));
    window.draw = (items, opts) => reconcile(list, items, (it) => it.id, card, opts);
    window.ids = () => Array.from(list.children, (li) => li.dataset.id);
    window.titles = () => Array.from(list.children, (li) => li.querySelector('h3').textContent);
    window.nodes = () => Object.fromEntries(Array.from(list.children, (li) => [li.dataset.id, li]));
    window.mark = () => { for (const li of list.children) li.mark = li.dataset.id; };
    window.marked = () => Array.from(list.children, (li) => li.mark === li.dataset.id);
    // every node taken out of the list (a move is a removal then an insertion)
    window.removed = [];
    new MutationObserver((rs) => { for (const r of rs) for (const n of r.removedNodes) window.removed.push(n.dataset.id); })
        .observe(list, { childList: true });
    window.settle = () => new Promise((ok) => setTimeout(ok, 0));
}"""


def items(*spec):
    return [{"id": k, "title": t} for k, t in (s.split("=") if "=" in s else (s, s.upper()) for s in spec)]


@pytest.fixture
def page(browser, server):
    page = open_page(context(browser, {"viewport": {"width": 360, "height": 740}}))
    page.goto(server.url("/"))
    page.evaluate(SETUP)
    yield page
    assert page.errors == []
    page.context.close()


def draw(page, its, stamp=None):
    page.evaluate("""async ([its, stamp]) => { removed.length = 0; draw(its, stamp ? { stamp: (it) => it[stamp] } : undefined);
        await settle(); return removed; }""", [its, stamp])
    return page.evaluate("() => ({ids: ids(), titles: titles(), marked: marked(), removed: removed.slice()})")


def test_insert_move_remove_keep_the_unchanged_nodes(page):
    assert draw(page, items("a", "b", "c", "d"))["titles"] == ["A", "B", "C", "D"]
    page.evaluate("mark()")
    # Unchanged: nothing touched.
    out = draw(page, items("a", "b", "c", "d"))
    assert out["marked"] == [True] * 4 and out["removed"] == []
    # Moved: d to the front is one move, not three; every node is the same.
    out = draw(page, items("d", "a", "b", "c"))
    assert out["ids"] == ["d", "a", "b", "c"] and out["marked"] == [True] * 4 and out["removed"] == ["d"]
    # Inserted where it belongs, one removed: the others stay the same nodes, nothing else moves.
    out = draw(page, items("d", "e", "a", "c"))
    assert out["ids"] == ["d", "e", "a", "c"] and out["marked"] == [True, False, True, True]
    assert out["removed"] == ["b"]
    # Reversed: one node stays, the three others move, all of them the same nodes; then emptied.
    page.evaluate("mark()")
    out = draw(page, items("c", "a", "e", "d"))
    assert out["ids"] == ["c", "a", "e", "d"] and out["marked"] == [True] * 4 and len(out["removed"]) == 3, out
    assert draw(page, [])["ids"] == []


def test_a_changed_item_is_replaced_in_place_with_what_was_being_done_in_it(page):
    draw(page, items("a", "b", "c"))
    page.evaluate("mark()")
    # The person opened b's fold and is typing in it.
    page.click("li[data-id=b] summary")
    page.click("li[data-id=b] input")
    page.keyboard.type("à voir")
    page.evaluate("() => document.querySelector('li[data-id=b] input').setSelectionRange(2, 2)")
    out = draw(page, items("a", "b=Bé", "c"))
    assert out["ids"] == ["a", "b", "c"] and out["titles"] == ["A", "Bé", "C"]
    assert out["marked"] == [True, False, True] and out["removed"] == ["b"]
    state = page.evaluate("""() => { const li = document.querySelector('li[data-id=b]'); const a = document.activeElement;
        return {open: li.querySelector('details').open, value: li.querySelector('input').value,
                focus: li.contains(a) && a.name, caret: a.selectionStart}; }""")
    assert state == {"open": True, "value": "à voir", "focus": "note", "caret": 2}, state
    # The focus on a button of a moved, unchanged card stays on that very button.
    page.focus("li[data-id=c] button")
    page.evaluate("() => { window.btn = document.activeElement; }")
    out = draw(page, items("c", "a", "b=Bé"))
    assert out["ids"] == ["c", "a", "b"]
    assert page.evaluate("() => document.activeElement === window.btn")
    # The focus on a card that changes goes to the same button of its new node.
    out = draw(page, items("c=Cé", "a", "b=Bé"))
    assert out["titles"][0] == "Cé" and page.evaluate(
        "() => document.activeElement !== window.btn && document.activeElement.closest('li').dataset.id === 'c'"
        " && document.activeElement.classList.contains('act')")


def test_the_signature_sees_what_the_html_does_not(page):
    """A record whose new version shows nothing new is still redrawn (its buttons act on the record), unless
    the caller's stamp says what matters."""
    its = [{"id": "a", "title": "A", "version": 1}, {"id": "b", "title": "B", "version": 1}]
    draw(page, its)
    page.evaluate("mark()")
    its[1]["version"] = 2
    assert draw(page, its)["marked"] == [True, False]
    draw(page, its, stamp="title")
    page.evaluate("mark()")
    its[0]["version"] = 3
    assert draw(page, its, stamp="title")["marked"] == [True, True]


def test_foreign_children_and_repeated_keys(page):
    page.evaluate("() => document.querySelector('ul').append(Object.assign(document.createElement('li'), {textContent: 'vide'}))")
    out = draw(page, items("a", "a=Bis", "b"))
    assert out["ids"] == ["a", "a", "b"] and out["titles"] == ["A", "Bis", "B"]
    page.evaluate("mark()")
    out = draw(page, items("a", "a=Bis", "b"))
    assert out["marked"] == [True, False, True]  # the second "a" has no node of its own to keep
