"""Text a participant typed never breaks a document: HTML, emoji, RTL, bidi overrides,
2,000-character descriptions, 300-character words, empty optional fields."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import openpyxl
import pytest

from app.exports import export
from app.exports.pdf_common import clean, wrap, FONT
from tests.exports.conftest import BASE_URL, decode_qr, norm, pdf_reader, pdftotext
from tests.exports.factory import LONG_WORD


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("fmt", ["pdf", "org-reports", "letter", "posters", "xlsx", "csv", "json"])
def test_every_format_exports(hostile, fmt, lang):
    out = export(hostile, fmt, lang=lang, base_url=BASE_URL)
    assert out.data and out.filename.endswith(("pdf", "zip", "xlsx", "json"))
    if out.content_type == "application/pdf":
        r = pdf_reader(out.data)
        assert len(r.pages) >= 1
    elif fmt == "org-reports":
        z = zipfile.ZipFile(io.BytesIO(out.data))
        for name in z.namelist():
            assert len(pdf_reader(z.read(name)).pages) >= 1
    elif fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(out.data))
        rows = list(wb["sheets" if lang == "en" else "fiches"].iter_rows(values_only=True))
        col = rows[0].index("Title" if lang == "en" else "Titre")
        titles = [r[col] for r in rows[1:]]
        assert any(t.startswith("<img src=x") for t in titles)
        assert any("🎉" in (t or "") for t in titles)
    elif fmt == "csv":
        z = zipfile.ZipFile(io.BytesIO(out.data))
        for name in z.namelist():
            list(csv.reader(io.StringIO(z.read(name).decode("utf-8-sig")), delimiter=";"))
    else:
        assert json.loads(out.data)["tables"]["sheets"]


def test_markup_is_printed_not_interpreted(hostile):
    out = export(hostile, "pdf", edition="organiser")
    text = norm(pdftotext(out.data))
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)> offer" in text
    assert "<b>gras</b> & « guillemets »" in text
    assert "\u202e" not in text
    # the long word is split over lines, never lost: all its letters are there
    assert text.replace(" ", "").count("Anticonstitutionnellement") >= 12


def test_poster_with_hostile_name_still_scans(hostile, tmp_path):
    out = export(hostile, "posters", base_url=BASE_URL)
    assert decode_qr(out.data, 1, tmp_path) == [f"{BASE_URL}/j/{hostile.code}"]


def test_clean_and_wrap_units():
    assert clean("a\u202eb\u200bc") == "abc"
    assert clean("🎉🎉 fête") == "? fête"
    assert clean("שלום עולם") == "? ?"
    assert clean("e\u0301te\u0301") == "été"
    assert clean("Erdős") == "Erdos"  # no ő in the font: the base letter
    assert clean("x → y") == "x → y"  # drawn with the Symbol font
    assert clean("a\n\n\n\nb", multiline=True) == "a\n\nb"
    lines = wrap(LONG_WORD, FONT, 9, 100)
    assert len(lines) > 5 and "".join(lines) == LONG_WORD


@pytest.mark.parametrize("fmt", ["pdf", "org-reports", "letter", "posters", "xlsx", "csv", "json"])
def test_empty_workshop_exports(ws, fmt):
    out = export(ws, fmt, base_url=BASE_URL, edition="public")
    assert out.data
    if out.content_type == "application/pdf":
        assert len(pdf_reader(out.data).pages) >= 1
