"""Broadcasts over a real server: every screen gets every change, whole and in order, whether its websocket
is plain (frames written straight to its socket), compressed (python-engineio's own path), read slowly
(what its socket does not take waits in its queue), or python-socketio's own client."""
import json

from tests.live import uid
from tests.wsraw import RawSocketIO

LONG = "Palettes bois 80x120, chutes de chêne et de hêtre, cartons, big bags. " * 28  # ~2,000 characters


def _cookie(session):
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def _sheet(session, server, ws, n):
    body = {"id": uid(), "kind": "offer", "category": "packaging", "title": f"Lot {n}",
            "description": LONG[:1990 - len(str(n))] + str(n)}
    r = session.post(server.url(f"/api/w/{ws['workshop']}/sheets"), json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_every_change_reaches_plain_compressed_slow_and_library_screens_whole_and_in_order(server):
    ws, organiser = server.new_workshop()
    writer, _ = server.participant(ws, "Menuiserie Rousseau")
    reader, _ = server.participant(ws, "Maraîcher Dupont")
    plain = RawSocketIO(server.base, _cookie(reader), ws["workshop"])
    zipped = RawSocketIO(server.base, _cookie(reader), ws["workshop"], deflate=True)
    slow = RawSocketIO(server.base, _cookie(organiser), ws["workshop"], rcvbuf=2048)
    library = server.socket(reader, ws)
    assert not plain.extensions
    assert zipped.extensions and zipped.extensions[0].startswith("permessage-deflate")
    assert "server_no_context_takeover" in zipped.extensions[0]  # one compressed frame serves every browser

    written = [_sheet(writer, server, ws, n) for n in range(60)]  # ~140 KB of changes; ``slow`` reads none yet
    last = written[-1]["seq"]
    done = lambda c: bool(c.changes) and c.changes[-1]["seq"] >= last  # noqa: E731
    for name, c in (("plain", plain), ("compressed", zipped), ("slow", slow)):
        assert c.until(done), name
    assert library.wait_for(lambda c: c.changes and c.changes[-1]["seq"] >= last, timeout=20)

    expected = {w["record"]["id"]: w["record"]["description"] for w in written}
    for name, changes in (("plain", plain.changes), ("compressed", zipped.changes), ("slow", slow.changes),
                          ("library", library.changes)):
        seqs = [c["seq"] for c in changes]
        assert seqs == sorted(seqs), f"{name}: changes out of order"
        got = {c["id"]: c["record"]["description"] for c in changes if c["entity"] == "sheet" and c["record"]}
        assert {k: got.get(k) for k in expected} == expected, f"{name}: a change is missing or damaged"
    assert zipped.compressed > 0, "the compressed connection never got a compressed message"
    assert plain.plain > 0 and plain.compressed == 0
    for c in (plain, zipped, slow):
        c.close()
    library.close()
