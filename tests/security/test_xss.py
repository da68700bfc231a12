"""XSS battery: hostile strings typed through the API into every text field,
then every page opened in real chromium (Playwright).

The pages are opened with the Content-Security-Policy *bypassed*: the CSP
(checked in test_headers.py) is the second line of defence; the first is that
no page ever turns data into markup. So: no dialog fires, no injected
element exists (no ``img[src=x]``, no ``on*`` attribute, no ``javascript:``
link, no inline script), and the hostile text is there, literally.
"""
from __future__ import annotations

import pytest
import requests

from tests.security.world import FR, PASSWORD, uid


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\"><svg onload=alert(1)>",
    "<b>gras <i>pas fermé </div></td>&amp; &lt;!--",
    "<a href=\"javascript:alert(1)\">clic</a>",
    "\u202eRTL gpj.exe\u202c fin",
    "Palettes 🪵♻️👩🏽‍🔧 émojis",
    "'; alert(1); //` ${alert(1)} {{7*7}}",
]

# Every text field of every record, with its maximum length (5,000 characters must be refused).
TEXT_FIELDS = {
    "workshop": ["name", "venue"],
    "organisation": ["name", "commune", "contact_name"],
    "sheet": ["title", "description", "logistics"],
    "idea": ["title", "description", "comment"],
    "idea_update": ["notes", "next_step", "title", "description"],
    "facilitator": ["name"],
}

INJECTED_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) bad.push(el.tagName + '[' + a.name + ']');
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name)
          && /^\\s*javascript:/i.test(a.value)) bad.push(el.tagName + '[' + a.name + '=javascript:]');
    }
  }
  for (const img of document.querySelectorAll('img')) if (img.getAttribute('src') === 'x') bad.push('img[src=x]');
  for (const s of document.querySelectorAll('script'))
    if (!s.src && s.type !== 'application/json') bad.push('inline script');
  if (window.__xss) bad.push('window.__xss');
  return bad;
}"""


@pytest.fixture(scope="module")
def chromium(browser):
    """The worker's one chromium (tests/conftest.py): a second Playwright in the same thread would fail."""
    return browser


@pytest.fixture(scope="module")
def hostile(server):
    """A workshop whose every text field holds hostile strings, and a session per role."""
    org = requests.Session()
    r = org.post(server.url("/api/workshops"), json={"name": "<img src=x onerror=alert(1)> Atelier",
                                                      "venue": "\"><svg onload=alert(1)>", "password": PASSWORD})
    r.raise_for_status()
    ws = r.json()
    wid, code = ws["workshop"], ws["code"]

    def api(path):
        return server.url(f"/api/w/{wid}{path}")

    def ok(resp):
        assert resp.status_code < 300, resp.text
        return resp.json().get("record")

    pa = requests.Session()
    pa.get(server.url(f"/j/{code}")).raise_for_status()
    org_a = ok(pa.post(api("/organisations"), json={
        "id": uid(), "name": "<script>alert(1)</script> Structure A", "commune": HOSTILE[1],
        "contact_name": HOSTILE[3], "consent": True}))
    orgs = []
    for i, h in enumerate(HOSTILE):
        orgs.append(ok(org.post(api("/organisations"), json={
            "id": uid(), "name": f"{h} {i}", "commune": h[:80], "contact_name": h, "consent": True,
            "email": f"c{i}@example.org"})))
    facs = []
    for h in HOSTILE:
        facs.append(ok(org.post(api("/facilitators"), json={"id": uid(), "name": h, "table_no": 1})))
    fac = requests.Session()
    fac.post(api("/login/facilitator"), json={"code": facs[0]["code"]}).raise_for_status()
    for i, h in enumerate(HOSTILE):
        ok(org.post(api("/sheets"), json={"id": uid(), "organisation_id": orgs[i]["id"], "kind": "offer",
                                          "category": "other", "title": f"{h} offre", "description": h,
                                          "logistics": h}))
        ok(pa.post(api("/sheets"), json={"id": uid(), "kind": "need", "category": "other",
                                         "title": f"{h} besoin", "description": h, "logistics": h}))
        idea = ok(fac.post(api("/ideas"), json={"id": uid(), "title": f"{h} idée", "description": h,
                                                "comment": h, "org_ids": [org_a["id"], orgs[i]["id"]]}))
        idea = ok(fac.patch(api(f"/ideas/{idea['id']}"), json={"version": 1, "notes": h, "next_step": h}))
        ok(fac.post(api(f"/ideas/{idea['id']}/b2b"), json={"version": idea["version"], "b2b": True}))
    token = org.get(api("/state")).json()["workshop"]["projector_token"]
    return {"srv": server, "wid": wid, "code": code, "token": token, "org": org, "fac": fac, "pa": pa,
            "anon": requests.Session(), "api": api, "org_a": org_a}


PAGES = {
    # page: (role, path, strings that must be shown literally somewhere in the DOM's text)
    "participant": ("pa", "/j/{code}", ["<script>alert(1)</script> Structure A", f"{HOSTILE[1]} besoin",
                                        f"{HOSTILE[0]} idée"]),
    "participant-join": ("anon", "/j/{code}", [f"{HOSTILE[0]} 0", f"{HOSTILE[3]} 3"]),
    # The B2B tab holds the selected ideas with their parties (opened by its link).
    "organiser": ("org", "/w/{code}/organiser?s=b2b", [HOSTILE[1], f"{HOSTILE[2]} idée"]),
    "organiser-login": ("anon", "/w/{code}/organiser", ["<img src=x onerror=alert(1)> Atelier"]),
    "facilitator": ("fac", "/w/{code}/facilitator", [f"{HOSTILE[0]} idée", f"{HOSTILE[5]} idée"]),
    "facilitator-login": ("anon", "/w/{code}/facilitator", ["<img src=x onerror=alert(1)> Atelier"]),
    "wall": ("anon", "/w/{code}/wall?t={token}", ["<img src=x onerror=alert(1)> Atelier"]),
    "home": ("anon", "/", ["<img src=x onerror=alert(1)> Atelier"]),
}


@pytest.mark.parametrize("page_name", list(PAGES))
def test_hostile_strings_are_text_on_every_page(chromium, hostile, page_name):
    role, path, literal = PAGES[page_name]
    srv = hostile["srv"]
    context = chromium.new_context(bypass_csp=True, locale="fr-FR")
    try:
        cookies = [{"name": c.name, "value": c.value, "url": srv.base} for c in hostile[role].cookies]
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        dialogs, errors = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(srv.url(path.format(code=hostile["code"], token=hostile["token"])), wait_until="networkidle")
        for text in literal:
            try:
                page.wait_for_function("t => document.documentElement.textContent.includes(t)", arg=text,
                                       timeout=8000)
            except Exception:
                pass
        page.wait_for_timeout(300)
        body = page.evaluate("() => document.documentElement.textContent")
        injected = page.evaluate(INJECTED_JS)
        assert not dialogs, f"a script ran on {page_name}: {dialogs}"
        assert not injected, f"injected markup on {page_name}: {injected}"
        missing = [t for t in literal if t not in body]
        assert not missing, f"{page_name} does not show literally: {missing}"
    finally:
        context.close()


def test_the_wall_shows_hostile_cards_as_text(chromium, hostile):
    """The projector's feed of latest cards (sheets and ideas) renders titles as text."""
    srv = hostile["srv"]
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(srv.url(f"/w/{hostile['code']}/wall?t={hostile['token']}"), wait_until="networkidle")
        page.wait_for_timeout(800)
        body = page.evaluate("() => document.documentElement.textContent")
        assert any(f"{h} " in body for h in HOSTILE[:6]), "the wall shows the latest cards"
        assert not dialogs and not page.evaluate(INJECTED_JS)
    finally:
        context.close()


# -- very long text is refused with a message, in every text field --------------------------------
LONG = "x" * 5000


def _long_request(h, field, entity):
    api, org, fac = h["api"], h["org"], h["fac"]
    if entity == "workshop":
        body = {"name": "Atelier long", "password": PASSWORD, field: LONG}
        return requests.post(h["srv"].url("/api/workshops"), json=body)
    if entity == "organisation":
        return org.post(api("/organisations"), json={"id": uid(), "name": "Longue", field: LONG})
    if entity == "sheet":
        return org.post(api("/sheets"), json={"id": uid(), "organisation_id": h["org_a"]["id"], "kind": "offer",
                                              "category": "other", "title": "Long", field: LONG})
    if entity == "idea":
        return fac.post(api("/ideas"), json={"id": uid(), "title": "Longue", "org_ids": [h["org_a"]["id"],
                                             h["org_a"]["id"]], field: LONG})
    if entity == "idea_update":
        ideas = org.get(api("/state")).json()["ideas"]
        return fac.patch(api(f"/ideas/{ideas[0]['id']}"), json={"version": ideas[0]["version"], field: LONG})
    if entity == "facilitator":
        return org.post(api("/facilitators"), json={"id": uid(), field: LONG})
    raise AssertionError(entity)


@pytest.mark.parametrize("entity,field", [(e, f) for e, fs in TEXT_FIELDS.items() for f in fs])
def test_five_thousand_characters_are_refused_with_a_message(hostile, entity, field):
    resp = _long_request(hostile, field, entity)
    assert resp.status_code == 422, resp.text[:200]
    body = resp.json()
    assert body["code"] == "err.invalid"
    assert body["fields"][field].startswith(FR["err.too_long"].split("{")[0]), body
