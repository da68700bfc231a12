"""Fixtures for the export tests: the demo workshop (built once per test worker,
read-only), the hostile-text workshop, and independent readers."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata

import pytest

from app.registry import Registry

BASE_URL = "http://192.168.1.20:5000"


def _demo(data_dir):
    try:
        from app.demo import build
    except ImportError:
        build = None
    if build is not None:
        out = build(str(data_dir), base_url=BASE_URL)
        reg = Registry(data_dir)
        return reg, reg.get(out["workshop"])
    from tests.exports.factory import build_workshop

    reg = Registry(data_dir)
    return reg, build_workshop(reg)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo workshop (app.demo at the real event's scale): do not write to it."""
    reg, ws = _demo(tmp_path_factory.mktemp("demo") / "sessions")
    yield ws
    reg.close()


@pytest.fixture(scope="session")
def demo_data(demo):
    from app.exports import data

    return data.load(demo)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    from tests.exports.factory import build_hostile

    reg = Registry(tmp_path_factory.mktemp("hostile") / "sessions")
    ws = build_hostile(reg)
    yield ws
    reg.close()


@pytest.fixture(scope="session")
def book_organiser(demo_data):
    from app.exports.pdf_book import book

    return book(demo_data, edition="organiser")


@pytest.fixture(scope="session")
def book_public(demo_data):
    from app.exports.pdf_book import book

    return book(demo_data, edition="public")


# -- independent readers ----------------------------------------------------------

def norm(text: str) -> str:
    """Whitespace-insensitive form (line breaks, U+00A0, several spaces -> one space), NFC."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def pdftotext(pdf: bytes, *, raw: bool = True, first: int | None = None, last: int | None = None) -> str:
    """Text of a PDF through poppler's pdftotext (content-stream order with ``raw``)."""
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is required"
    cmd = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else [])
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    out = subprocess.run(cmd + ["-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def pdf_reader(pdf: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


def decode_qr(pdf: bytes, page: int, tmp_path, dpi: int = 150) -> list[str]:
    """Render one page with pdftoppm and decode its QR codes with zbarimg."""
    assert shutil.which("pdftoppm") and shutil.which("zbarimg"), "poppler-utils and zbar-tools are required"
    src = tmp_path / f"p{page}.pdf"
    src.write_bytes(pdf)
    prefix = tmp_path / f"p{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(src),
                    str(prefix)], check=True, timeout=60)
    out = subprocess.run(["zbarimg", "--raw", "-q", str(prefix) + ".png"], capture_output=True, timeout=60)
    return [ln for ln in out.stdout.decode("utf-8").splitlines() if ln.strip()]
