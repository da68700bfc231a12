"""Documents name who to contact, keep every value whole, and speak each language properly.

The demo workshop with an organiser contact and a logo: the letter, every
organisation's report and the poster carry the contact (no more "contact the
organiser" with nobody named); the printed B2B list gives every party's contact;
headings use CLDR plural forms ("Nouvelles (423)"), dates are long dates
("12 mars 2026"), table headers keep their words whole, and every document has
its own file name, the workshop's name cut at a word. Read back with pdftotext/pypdf.
"""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from app.registry import Registry
from tests.exports.conftest import BASE_URL, norm, pdf_reader, pdftotext

CONTACT = {"organiser_name": "Claire Martin, PTCE des Mauges", "organiser_email": "claire.martin@ptce-mauges.example.fr",
           "organiser_phone": "02 41 00 11 22"}
ORGANISER = {"role": "organiser", "id": None, "label": "test"}


def _png(w=300, h=120, color=(20, 120, 60)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from app.demo import build
    from app.services import workshops

    folder = tmp_path_factory.mktemp("contact") / "sessions"
    out = build(str(folder), base_url=BASE_URL)
    reg = Registry(folder)
    w = reg.get(out["workshop"])
    workshops.update_contact(w, ORGANISER, CONTACT, logo=_png())
    yield w
    reg.close()


@pytest.fixture(scope="module")
def docs(ws):
    from app.exports import export

    out = {}
    for key, fmt, opts in [("book", "pdf", {}), ("book_cat", "pdf", {"group_by": "category"}),
                           ("book_public", "pdf", {"edition": "public"}), ("letter", "letter", {}),
                           ("reports", "org-reports", {}), ("posters", "posters", {"base_url": BASE_URL}),
                           ("xlsx", "xlsx", {}), ("csv", "csv", {}), ("json", "json", {})]:
        out[key] = export(ws, fmt, lang="fr", **opts)
    return out


def _has_contact(text: str) -> bool:
    t = norm(text)
    return all(norm(v) in t for v in CONTACT.values())


def _images(pdf: bytes, page: int = 0) -> int:
    return len(pdf_reader(pdf).pages[page].images)


def test_letter_names_the_organiser_and_shows_the_logo(docs):
    pdf = docs["letter"].data
    first = pdftotext(pdf, first=1, last=1)
    assert _has_contact(first)
    assert "Contactez l’organisateur" not in first and "Contactez l'organisateur" not in first
    assert _images(pdf) >= 1


def test_every_organisation_report_names_the_organiser(docs, ws):
    z = zipfile.ZipFile(io.BytesIO(docs["reports"].data))
    names = z.namelist()
    assert len(names) == len([o for o in ws.store.all("organisation") if not o.get("hidden")])
    for name in names:
        pdf = z.read(name)
        assert _has_contact(pdftotext(pdf, first=1, last=1)), name
        assert _images(pdf) >= 1, name


def test_poster_names_the_organiser_and_shows_the_logo(docs):
    pdf = docs["posters"].data
    assert _has_contact(pdftotext(pdf, first=1, last=1))
    assert _images(pdf) >= 1


def test_without_contact_the_letter_still_says_what_to_do(tmp_path):
    from app.exports.pdf_letter import letter
    from tests.exports.factory import build_workshop

    reg = Registry(tmp_path / "sessions")
    w = build_workshop(reg, n_orgs=4, n_sheets=6, n_ideas=3, n_b2b=1)
    text = norm(pdftotext(letter(w)))
    assert "référence à l’équipe qui organise l’atelier" in text.replace("'", "’")
    reg.close()


def test_printed_b2b_list_gives_every_partys_contact(docs, ws):
    text = pdftotext(docs["book"].data)
    b2b = norm(text[text.rindex("Rendez-vous BtoB"):])
    orgs = {o["id"]: o for o in ws.store.all("organisation")}
    ideas = [i for i in ws.store.all("idea") if i.get("b2b") and not i.get("hidden") and not i.get("merged_into")]
    assert ideas
    checked = 0
    for i in ideas:
        for oid in i["org_ids"]:
            o = orgs[oid]
            for v in (o.get("email"), o.get("phone")):
                if v:
                    assert norm(v) in b2b, (i["title"], o["name"], v)
                    checked += 1
    assert not re.search(r"\d{2} \d{2}…|@[\w.-]*…", b2b), "no contact cut with an ellipsis"
    assert checked > 2 * len(ideas)
    # The biggest pooling is listed whole, not cut after 8 parties.
    biggest = max(ideas, key=lambda i: len(i["org_ids"]))
    assert all(norm(orgs[o]["name"]) in b2b for o in biggest["org_ids"])


def test_status_headings_use_plural_forms(docs, ws):
    ideas = [i for i in ws.store.all("idea") if not i.get("hidden") and not i.get("merged_into")]
    counts = {s: sum(1 for i in ideas if i["status"] == s) for s in ("new", "explore", "soon", "abandoned")}
    text = norm(pdftotext(docs["book"].data))
    assert f"Nouvelles ({counts['new']})" in text
    assert f"Abandonnées ({counts['abandoned']})" in text
    assert f"Nouvelle ({counts['new']})" not in text


def test_plural_forms_follow_cldr_in_both_languages():
    from app.exports.data import plural

    assert plural("status_n.new", 1, "fr") == "Nouvelle"
    assert plural("status_n.new", 0, "fr") == "Nouvelle"  # French: 0 is singular
    assert plural("status_n.new", 2, "fr") == "Nouvelles"
    assert plural("status_n.abandoned", 1, "en") == "Abandoned"
    assert plural("js.org_b2b_count", 0, "en") == "(0 ideas)"  # English: 0 is plural
    assert plural("js.org_b2b_count", 1, "en") == "(1 idea)"


def test_dates_and_numbers_come_from_babel():
    from app.exports.data import fmt_date, fmt_number

    assert fmt_date("2026-03-12", "fr") == "12 mars 2026"
    assert fmt_date("2026-03-01", "fr") == "1er mars 2026"
    assert fmt_date("2026-03-12", "en") == "12 March 2026"
    assert fmt_number(1234.5, "fr") == "1\u00a0234,5"
    assert fmt_number(1234567.891, "en") == "1,234,567.89"
    assert fmt_number(-0.0001, "fr") == "0"


def test_letter_date_is_a_long_french_date(docs, ws):
    from app.i18n import long_date

    date = ws.store.workshop()["date"]
    assert norm(long_date(date, "fr")) in norm(pdftotext(docs["letter"].data, first=1, last=1))
    assert re.search(r"\d{4}-\d{2}-\d{2}", pdftotext(docs["letter"].data, first=1, last=1)) is None


def test_table_headers_keep_their_words_whole(docs):
    text = pdftotext(docs["book"].data, raw=False)
    assert "Animateur·rice" in text
    assert not re.search(r"Animateur·ric\s*\n", text)
    assert not re.search(r"Animateur·\s*\n", text)


def test_every_document_has_its_own_file_name(docs, ws):
    from app.exports.data import slug

    names = [d.filename for d in docs.values()]
    assert len(set(names)) == len(names), names
    assert docs["book"].filename != docs["book_cat"].filename
    # The workshop's name, shortened at a word boundary (never "…-pays-d-livret").
    words = slug(ws.store.workshop()["name"], 1000).split("-")
    for name in names:
        stem = name.rsplit(".", 1)[0]
        prefix = [w for w in words if stem.startswith("-".join(words[:words.index(w) + 1]))]
        assert prefix, name
        cut = "-".join(prefix)
        assert stem.startswith(cut + "-") and len(cut) <= 40, name


def test_english_documents(ws):
    from app.exports import export

    letter = export(ws, "letter", lang="en")
    text = norm(pdftotext(letter.data, first=1, last=1))
    assert _has_contact(text) and "Give its reference to" in text
    assert letter.filename.endswith("-resource-letter.pdf")
    assert export(ws, "pdf", lang="en", group_by="category").filename.endswith("-book-by-category.pdf")


@pytest.mark.parametrize("data, key", [
    (b"not an image at all", "err.logo_format"),
    (b"GIF89a" + b"\0" * 100, "err.logo_format"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "err.logo_format"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 1_100_000, "err.logo_too_big"),
])
def test_a_bad_logo_is_refused_and_changes_nothing(ws, data, key):
    from app.services import ServiceError, workshops

    before = ws.store.workshop()
    with pytest.raises(ServiceError) as exc:
        workshops.update_contact(ws, ORGANISER, {"organiser_name": "Autre"}, logo=data)
    assert exc.value.key == key and 400 <= exc.value.status < 500
    after = ws.store.workshop()
    assert after["organiser_name"] == before["organiser_name"] and after["logo_sha"] == before["logo_sha"]


def test_a_huge_logo_is_refused_by_its_dimensions(ws):
    from app.services import ServiceError, workshops

    with pytest.raises(ServiceError) as exc:
        workshops.update_contact(ws, ORGANISER, CONTACT, logo=_png(5000, 10, (0, 0, 0)))
    assert exc.value.key == "err.logo_dimensions"


def test_a_jpeg_logo_is_stored_as_a_small_png(ws):
    from PIL import Image

    from app.services import workshops

    buf = io.BytesIO()
    Image.new("RGB", (2400, 1200), (200, 30, 30)).save(buf, "JPEG")
    workshops.update_contact(ws, ORGANISER, CONTACT, logo=buf.getvalue())
    data, ctype = workshops.logo(ws)
    assert ctype == "image/png" and data.startswith(b"\x89PNG")
    assert max(Image.open(io.BytesIO(data)).size) <= workshops.LOGO_MAX_SIDE
    assert max(Image.open(io.BytesIO(data)).size) <= 800
    # The journal keeps the reference, not the image.
    last = ws.store.rows("SELECT length(after) n FROM events WHERE entity = 'workshop' ORDER BY seq DESC LIMIT 1")
    assert last[0]["n"] < 5000
