"""Formatting helpers and the exports' translation catalogues."""
from __future__ import annotations

import json
from pathlib import Path

from app.exports import data as D

HERE = Path(__file__).resolve().parents[2] / "app" / "translations"


def test_catalogues_have_the_same_keys():
    fr = json.loads((HERE / "exports.fr.json").read_text(encoding="utf-8"))
    en = json.loads((HERE / "exports.en.json").read_text(encoding="utf-8"))
    assert set(fr) == set(en)
    assert all(v.strip() for v in fr.values()) and all(v.strip() for v in en.values())
    # French typography in our own strings: no ordinary space before : ; ! ? »
    for k, v in fr.items():
        for p in (" :", " ;", " !", " ?", " »", "« "):
            assert p not in v, (k, v)


def test_french_typography_dates_numbers():
    nb = "\u00a0"
    assert D.typo("Attention : prêt ? Oui ! « super »", "fr") == f"Attention{nb}: prêt{nb}? Oui{nb}! «{nb}super{nb}»"
    assert D.typo("http://x:5000/a?b", "fr") == "http://x:5000/a?b"
    assert D.typo("Note : ok", "en") == "Note : ok"
    assert D.fmt_date("2026-11-26", "fr") == "26 novembre 2026"
    assert D.fmt_date("2026-03-01", "fr") == "1er mars 2026"
    assert D.fmt_date("2026-11-26", "en") == "26 November 2026"
    assert D.fmt_number(1234.5, "fr") == f"1{nb}234,5"
    assert D.fmt_number(1234.5, "en") == "1,234.5"
    assert D.fmt_number(30.0, "fr") == "30" and D.fmt_number(None) == ""
    assert D.slug("Pays de l’Œuvre — 2026") == "pays-de-l-oeuvre-2026"
    assert D.sort_key("Éco") == D.sort_key("eco")


def test_labels(demo_data):
    assert D.label("status", "soon", "fr") == "Sur le point de se concrétiser"
    assert D.label("status", "soon", "en") == "About to happen"
    assert D.label("unit", "m3", "fr") == "m³"
    assert D.label("status", "zzz", "fr") == "zzz"
    s = next(s for s in demo_data.sheets if s.get("quantity"))
    assert demo_data.quantity(s).startswith(D.fmt_number(s["quantity"], "fr"))
    moved = next(i for i in demo_data.ideas if i["status"] != "new")
    assert "→" in demo_data.history_summary(moved["id"])
