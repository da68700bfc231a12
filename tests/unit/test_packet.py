"""The server's Socket.IO packet (``app.fanout.Packet``) encodes every message exactly as
python-socketio's own would, in one JSON pass: events and acks, namespaces, ids, accents and nested
records; a payload with bytes anywhere still goes out as a binary event with its attachments."""
from __future__ import annotations

import pytest
from socketio import packet as sio_packet

from app import create_app, fanout

RECORD = {"id": "c0ffee", "title": "Sarments de vigne — 30\u00a0t/an", "score": 0.81, "n": None, "ok": True,
          "reasons": [{"fr": "même usage : combustible bois", "en": "same use: wood fuel"}, {"km": 8}]}


@pytest.mark.parametrize("kwargs", [
    {"data": ["changes", {"changes": [RECORD, RECORD]}]},
    {"data": ["suggestions", {"seq": 12, "upsert": [RECORD], "remove": []}], "namespace": "/"},
    {"data": ["stats", {"seq": 3}], "namespace": "/admin"},
    {"packet_type": sio_packet.ACK, "data": [{"ok": True}], "id": 7},
    {"packet_type": sio_packet.ACK, "data": [{"ok": True}], "namespace": "/x", "id": 12},
    {"packet_type": sio_packet.CONNECT, "data": {"sid": "abc"}},
    {"packet_type": sio_packet.DISCONNECT},
    {"data": ["hello", "émoji ✓", 3, [1, [2, [3]]]]},
])
def test_the_same_bytes_on_the_wire_as_the_library(kwargs):
    ours, theirs = fanout.Packet(**kwargs), sio_packet.Packet(**kwargs)
    assert ours.encode() == theirs.encode()
    assert ours.packet_type == theirs.packet_type


def test_bytes_anywhere_still_make_a_binary_event():
    data = ["file", {"name": "plan.pdf", "parts": [{"body": b"%PDF-1.7"}]}]
    ours, theirs = fanout.Packet(data=data), sio_packet.Packet(data=data)
    assert ours.packet_type == sio_packet.BINARY_EVENT
    assert ours.encode() == theirs.encode()  # the placeholder packet, then the attachment


def test_a_received_packet_decodes_as_before():
    wire = '2["sheet",{"title":"Cartons vides"}]'
    ours, theirs = fanout.Packet(encoded_packet=wire), sio_packet.Packet(encoded_packet=wire)
    assert (ours.packet_type, ours.data) == (theirs.packet_type, theirs.data) == (2, ["sheet", {"title": "Cartons vides"}])


def test_the_server_sends_with_it(tmp_path):
    from app import realtime

    create_app({"DATA_DIR": str(tmp_path / "sessions"), "ASYNC_MODE": "threading"})
    assert realtime.socketio.server.packet_class is fanout.Packet
