"""A real browser on the wall: it asks for compressed websocket frames, is granted them without context
takeover (so one compressed frame serves every screen), and shows a burst of changes whole and in order."""
import json

from tests.live import uid


def test_the_wall_gets_compressed_frames_built_once_and_shows_every_change(server, browser):
    ws, organiser = server.new_workshop(name="Atelier du Val")
    writer, _ = server.participant(ws, "Menuiserie Rousseau")
    token = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]["projector_token"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    handshakes, frames = [], []
    cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: handshakes.append(e["response"]))
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append(e["response"]["payloadData"]))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url(f"/w/{ws['code']}/wall?t={token}"))
    page.wait_for_selector("#conn[data-state=online]")

    titles = [f"Palettes bois lot {n} — chêne, hêtre" for n in range(25)]
    for title in titles:
        r = writer.post(server.url(f"/api/w/{ws['workshop']}/sheets"),
                        json={"id": uid(), "kind": "offer", "category": "packaging", "title": title})
        assert r.status_code == 200, r.text
    page.wait_for_function("() => document.querySelector('[data-stat=sheets]').textContent === '25'")
    page.wait_for_selector(f"#feed >> text={titles[-1]}")

    upgraded = [h for h in handshakes if h.get("status") == 101]
    assert upgraded, "the wall never opened a websocket"
    extensions = {k.lower(): v for k, v in upgraded[-1]["headers"].items()}.get("sec-websocket-extensions", "")
    assert "permessage-deflate" in extensions and "server_no_context_takeover" in extensions, extensions
    events = [json.loads(f[2:]) for f in frames if f.startswith("42")]  # as the browser inflated them
    changes = [c for name, *args in events if name == "changes" for c in args[0]["changes"]]
    shown = [c["record"]["title"] for c in changes if c["entity"] == "sheet" and c["record"]]
    assert shown == titles, "a change is missing, damaged or out of order"
    assert not errors
    ctx.close()
