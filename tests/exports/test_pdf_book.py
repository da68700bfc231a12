"""The workshop book read back with poppler and pypdf."""
from __future__ import annotations

import pytest

from app.exports import data as D
from app.exports.pdf_book import book
from tests.exports.conftest import norm, pdf_reader, pdftotext


def _titles_present(text, titles):
    body = norm(text)
    return [t for t in titles if norm(t) not in body]


def test_organiser_edition_has_every_sheet_and_idea(demo_data, book_organiser):
    text = pdftotext(book_organiser)
    sheets = [s["title"] for s in demo_data.sheets if not s.get("hidden")]
    ideas = [i["title"] for i in demo_data.live_ideas()]
    assert len(sheets) == 278 and len(ideas) == 510
    assert _titles_present(text, sheets) == []
    assert _titles_present(text, ideas) == []
    for o in demo_data.live_orgs():
        assert norm(o["name"]) in norm(text)


def test_accents_typography_and_cover(demo_data, book_organiser):
    first = pdftotext(book_organiser, first=1, last=1)
    w = demo_data.workshop
    assert norm(w["name"]) in norm(first)
    assert D.fmt_date(w["date"], "fr") in norm(first)  # "12 mars 2026"
    assert "Chiffres clés" in first and "Idées de synergies" in first
    stats = demo_data.stats
    for n in (stats["organisations"], stats["sheets"], stats["ideas"], stats["b2b"]):
        assert str(n) in first
    text = pdftotext(book_organiser)
    for word in ("Fiches ressources par structure", "À approfondir", "Sur le point de se concrétiser",
                 "Rendez-vous BtoB", "Réf."):
        assert word in text
    assert "é" in text and "’" in text and "\ufffd" not in text


def test_bookmarks_toc_footer_and_page_count(demo_data, book_organiser):
    r = pdf_reader(book_organiser)
    pages = len(r.pages)
    assert 30 <= pages <= 150
    top = [o for o in r.outline if not isinstance(o, list)]
    titles = [o.title for o in top]
    assert "Chiffres clés" in titles and any("Rendez-vous BtoB" in t for t in titles)
    nested = [o for sub in r.outline if isinstance(sub, list) for o in sub if not isinstance(o, list)]
    assert len(nested) >= len(demo_data.live_orgs()) + 4  # one per organisation and per status
    # the bookmark of the B2B section points to a page near the end
    b2b = next(o for o in top if "BtoB" in o.title)
    assert r.get_destination_page_number(b2b) > pages // 2
    # TOC page shows the page numbers the bookmarks point to
    toc = pdftotext(book_organiser, first=2, last=2)
    assert str(r.get_destination_page_number(b2b) + 1) in toc.split()
    last = pdftotext(book_organiser, first=pages, last=pages)
    assert f"{pages} / {pages}" in norm(last)
    assert norm(demo_data.workshop["name"]) in norm(last)


def test_confidential_sheets_only_in_organiser_edition(demo_data, book_organiser, book_public):
    conf = [s for s in demo_data.sheets if s.get("visibility") == "facilitators"]
    assert conf, "the demo has confidential sheets"
    public_titles = {norm(s["title"]) for s in demo_data.sheets if demo_data.sheet_public(s)}
    only_conf = [s for s in conf if norm(s["title"]) not in public_titles]
    assert only_conf
    org_text, pub_text = norm(pdftotext(book_organiser)), norm(pdftotext(book_public))
    for s in only_conf:
        assert norm(s["title"]) in org_text
        assert norm(s["title"]) not in pub_text, s["title"]
    assert "CONFIDENTIEL" in org_text and "CONFIDENTIEL" not in pub_text
    assert "Édition publique" in pub_text
    # every public sheet is in the public edition
    missing = [t for t in public_titles if t not in pub_text]
    assert missing == []
    # no contact details of organisations that did not consent
    for o in demo_data.live_orgs():
        if not o.get("consent") and o.get("email"):
            assert o["email"] not in pub_text


def test_group_by_category_and_english(demo_data):
    pdf = book(demo_data, lang="en", group_by="category", edition="public")
    text = norm(pdftotext(pdf))
    assert "Resource sheets by category" in text and "Synergy ideas by status" in text
    for cat in {s["category"] for s in demo_data.sheets if demo_data.sheet_public(s)}:
        assert norm(D.label("cat", cat, "en")) in text
    assert [s["title"] for s in demo_data.sheets if demo_data.sheet_public(s) and norm(s["title"]) not in text] == []


def test_bad_options():
    with pytest.raises(ValueError):
        book(None, edition="secret")


def test_public_cover_counts_public_sheets(demo_data, book_public):
    first = norm(pdftotext(book_public, first=1, last=1))
    shown = sum(1 for s in demo_data.sheets if demo_data.sheet_public(s))
    assert shown < 278 and f"{shown} Fiches ressources" in first
