"""The screens' own code (static/js/lib/live.js) with batched ``changes``: in order, and a gap resyncs."""
from __future__ import annotations

import threading

from tests.live import uid

SETUP = """async (wid) => {
  const { Live } = await import('/static/js/lib/live.js');
  const live = new Live(wid);
  window.live = live; window.batches = []; window.seqs = []; window.applied = []; window.drop = 0; window.syncs = 0;
  live.on((kind, d) => { if (kind === 'change') window.applied.push(d.id); if (kind === 'seq') window.seqs.push(live.seq); });
  const onBatch = live.onBatch.bind(live);
  live.onBatch = (b) => { window.batches.push(b.changes.map((c) => c.seq)); if (window.drop > 0) { window.drop -= 1; return; } onBatch(b); };
  const resync = live.resync.bind(live);
  live.resync = () => { window.syncs += 1; return resync(); };
  await live.load();
  const socket = live.connect();
  await new Promise((ok) => (socket.connected ? ok() : socket.once('connect', ok)));
  return live.seq;
}"""


def test_batched_changes_apply_in_order_and_a_gap_resyncs(server, browser):
    ws, organiser = server.new_workshop()
    wid = ws["workshop"]
    api = server.url(f"/api/w/{wid}")
    org = organiser.post(f"{api}/organisations", json={"id": uid(), "name": "Menuiserie"}).json()["record"]
    ctx = browser.new_context()
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(ws["join_url"])  # a phone, not yet in an organisation: it sees what everyone sees
        start = page.evaluate(SETUP, wid)

        # 1. writes arriving together: the screen applies every change, seq never goes back
        sheets, lock = [], threading.Lock()

        def write(n):
            r = organiser.post(f"{api}/sheets", json={"id": uid(), "organisation_id": org["id"], "kind": "offer",
                                                      "category": "packaging", "title": f"Palettes {n}"})
            assert r.status_code == 200, r.text
            with lock:
                sheets.append(r.json())

        threads = [threading.Thread(target=write, args=(n,)) for n in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        last = max(s["seq"] for s in sheets)
        page.wait_for_function("(last) => window.live.seq >= last", arg=last, timeout=20000)
        got = page.evaluate("() => ({seqs: window.seqs, applied: window.applied, batches: window.batches, "
                            "syncs: window.syncs, sheets: window.live.list('sheets').map((s) => s.id)})")
        assert got["seqs"] == sorted(got["seqs"])
        assert sorted(got["sheets"]) == sorted(s["record"]["id"] for s in sheets)
        flat = [q for b in got["batches"] for q in b]
        assert flat == sorted(flat) == list(range(start + 1, last + 1))  # in seq order, nothing missing
        assert all(b == sorted(b) for b in got["batches"])

        # 2. a batch of several changes fed as one message: applied in its order
        extra = [organiser.post(f"{api}/sheets", json={"id": uid(), "organisation_id": org["id"], "kind": "need",
                                                       "category": "packaging", "title": f"Caisses {n}"}).json()
                 for n in range(3)]
        page.wait_for_function("(s) => window.live.seq >= s", arg=extra[-1]["seq"], timeout=20000)
        rename = organiser.patch(f"{api}/sheets/{extra[0]['record']['id']}",
                                 json={"version": 1, "title": "Caisses renommées"}).json()
        page.wait_for_function("(s) => window.live.seq >= s", arg=rename["seq"], timeout=20000)
        events = organiser.get(f"{api}/events", params={"since": extra[0]["seq"] - 1}).json()["events"]
        before = page.evaluate("() => window.syncs")
        order = page.evaluate("""(changes) => {
          const seen = []; const off = window.live.on((k, d) => { if (k === 'change') seen.push(d.record.title); });
          window.live.seq = changes[0].seq - 1; for (const c of changes) window.live.maps.sheets.delete(c.id);
          window.live.onBatch({ changes }); off();
          return { seen, seq: window.live.seq, title: window.live.maps.sheets.get(changes[0].id).title };
        }""", events)
        assert order["seen"] == ["Caisses 0", "Caisses 1", "Caisses 2", "Caisses renommées"]
        assert order["title"] == "Caisses renommées" and order["seq"] == rename["seq"]
        assert page.evaluate("() => window.syncs") == before  # no gap, no resync

        # 3. a lost message: the next one shows a gap, the screen resyncs from the journal
        page.evaluate("() => { window.drop = 1; }")
        lost = organiser.post(f"{api}/sheets", json={"id": uid(), "organisation_id": org["id"], "kind": "offer",
                                                     "category": "packaging", "title": "Perdue en route"}).json()
        page.wait_for_function("() => window.drop === 0", timeout=20000)
        after = organiser.post(f"{api}/sheets", json={"id": uid(), "organisation_id": org["id"], "kind": "offer",
                                                      "category": "packaging", "title": "Suivante"}).json()
        page.wait_for_function("(s) => window.live.seq >= s && !window.live.syncing", arg=after["seq"],
                               timeout=20000)
        titles = page.evaluate("() => window.live.list('sheets').map((s) => s.title)")
        assert "Perdue en route" in titles and "Suivante" in titles
        assert page.evaluate("() => window.syncs") > before
        state = organiser.get(f"{api}/state").json()
        assert sorted(titles) == sorted(s["title"] for s in state["sheets"])
        assert lost["seq"] < after["seq"]
        assert not errors
    finally:
        ctx.close()
