"""The details dialog's history names every field of an idea in words, in both languages (never a raw
key such as ``meeting_slot``), and every category has the short name the board's cards show."""
from app.i18n import catalogue
from app.rules import vocab
from app.services.ideas import HISTORY_SKIP
from app.store import TABLES


def test_every_idea_field_that_history_shows_has_a_label():
    fields = [k for k in TABLES["ideas"] if k not in HISTORY_SKIP and k != "id"]
    assert "meeting_slot" in fields
    for lang in ("fr", "en"):
        cat = catalogue(lang)
        missing = [k for k in fields if not cat.get(f"js.board_field_{k}")]
        assert missing == [], (lang, missing)
        assert cat["js.board_field_meeting_slot"] != "meeting_slot"


def test_every_category_has_a_short_card_name():
    for lang in ("fr", "en"):
        cat = catalogue(lang)
        for key in vocab.CATEGORY_KEYS:
            short = cat.get(f"js.cat_short_{key}")
            assert short and len(short) <= 12, (lang, key, short)
