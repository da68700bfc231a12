// The card's one "Déplacer ▾" control: a single menu shared by every card (the board stays
// light at thousands of cards), usable with a finger, a mouse or the keyboard (WAI-ARIA menu
// button: Enter/Space/↓ open on the first item, ↑/↓/Home/End move, Escape closes and returns).
import { $, el, lbl, t } from './dom.js';

export function initMoveMenu({ view, targetsFor, requestMove, toggleB2B, openDetails }) {
  const menu = $('#move-menu');
  const box = menu.querySelector('[data-items]');
  let trigger = null;
  let ideaId = null;

  const items = () => Array.from(box.querySelectorAll('[role^="menuitem"]'));

  function place() {
    const r = trigger.getBoundingClientRect();
    menu.style.left = '0px'; menu.style.top = '0px';
    const m = menu.getBoundingClientRect();
    const vw = document.documentElement.clientWidth; const vh = window.innerHeight;
    const left = Math.max(4, Math.min(r.right - m.width, vw - m.width - 4));
    const below = r.bottom + 4;
    const top = below + m.height <= vh - 4 ? below : Math.max(4, r.top - m.height - 4);
    menu.style.left = `${left}px`; menu.style.top = `${top}px`;
  }

  function open(btn, focusLast = false) {
    const card = btn.closest('li[data-id]');
    const rec = card && view(card.dataset.id);
    if (!rec) return;
    if (trigger && trigger !== btn) close(false);
    trigger = btn; ideaId = rec.id;
    $('#move-menu-h').textContent = rec.title;
    const moves = targetsFor(rec).map((s) => el('button', { type: 'button', role: 'menuitem', tabindex: '-1',
      class: `menu-item mv-${s}`, dataset: { act: 'move', to: s }, text: t('js.fit_to', { col: lbl('status', s) }) }));
    box.replaceChildren(...moves,
      el('hr', { role: 'separator' }),
      el('button', { type: 'button', role: 'menuitemcheckbox', tabindex: '-1', class: 'menu-item', 'aria-checked': String(!!rec.b2b),
        dataset: { act: 'b2b' }, text: `${rec.b2b ? '☑' : '☐'} ${t('js.board_b2b_toggle')}` }),
      el('button', { type: 'button', role: 'menuitem', tabindex: '-1', class: 'menu-item', dataset: { act: 'details' },
        text: t('js.fit_details') }));
    menu.hidden = false;
    btn.setAttribute('aria-expanded', 'true');
    place();
    const all = items();
    (focusLast ? all[all.length - 1] : all[0]).focus();
  }

  function close(returnFocus = true) {
    if (menu.hidden) return;
    menu.hidden = true;
    if (trigger) {
      trigger.setAttribute('aria-expanded', 'false');
      if (returnFocus && trigger.isConnected) trigger.focus();
      else if (returnFocus) { const card = document.querySelector(`li[data-id="${CSS.escape(ideaId)}"]`); if (card) card.focus(); }
    }
    trigger = null;
  }

  function act(item) {
    const id = ideaId; const what = item.dataset.act; const to = item.dataset.to;
    close(what !== 'details');
    if (what === 'move') requestMove(id, to);
    else if (what === 'b2b') toggleB2B(id);
    else if (what === 'details') openDetails(id);
  }

  menu.addEventListener('click', (ev) => { const item = ev.target.closest('[data-act]'); if (item) act(item); });
  menu.addEventListener('keydown', (ev) => {
    const all = items(); const i = all.indexOf(document.activeElement);
    const go = (k) => { ev.preventDefault(); all[(k + all.length) % all.length].focus(); };
    if (ev.key === 'ArrowDown') go(i + 1);
    else if (ev.key === 'ArrowUp') go(i - 1);
    else if (ev.key === 'Home') go(0);
    else if (ev.key === 'End') go(all.length - 1);
    else if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); close(true); }
    else if (ev.key === 'Tab') close(false);
    else if (/^[a-zà-ü]$/i.test(ev.key)) { // first letter jumps to the item
      const k = ev.key.toLocaleLowerCase('fr');
      const j = all.findIndex((n, x) => x > i && n.textContent.replace(/^\W+/, '').toLocaleLowerCase('fr').startsWith(k));
      const first = j >= 0 ? j : all.findIndex((n) => n.textContent.replace(/^\W+/, '').toLocaleLowerCase('fr').startsWith(k));
      if (first >= 0) go(first);
    }
  });
  // A tap or click anywhere else closes it; so does scrolling the board under it.
  document.addEventListener('pointerdown', (ev) => { if (!menu.hidden && !menu.contains(ev.target) && ev.target !== trigger && !(trigger && trigger.contains(ev.target))) close(false); }, true);
  window.addEventListener('resize', () => close(false));
  document.addEventListener('scroll', (ev) => { if (!menu.hidden && !menu.contains(ev.target)) close(false); }, true);

  return {
    toggle: (btn) => { if (trigger === btn && !menu.hidden) close(true); else open(btn); },
    open, close,
    keydown: (btn, ev) => {
      if (ev.key === 'ArrowDown' || ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); open(btn); return true; }
      if (ev.key === 'ArrowUp') { ev.preventDefault(); open(btn, true); return true; }
      return false;
    },
    isOpenFor: (id) => !menu.hidden && ideaId === id,
  };
}
