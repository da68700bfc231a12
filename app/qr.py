"""Join QR codes: PNG for pages and documents, text for the terminal."""
from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def _make(url: str):
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=16)
    qr.add_data(url)
    qr.make(fit=True)
    return qr


def png_bytes(url: str, box_size: int = 16) -> bytes:
    """Large modules (16 px) so a projected code scans from the back of the room."""
    qr = _make(url)
    qr.box_size = box_size
    img = qr.make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def terminal(url: str) -> str:
    qr = _make(url)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()
