"""Both languages say everything: same keys, and every key the code uses exists."""
import json
import re
from pathlib import Path

from app import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_each_catalogue_part_has_the_same_keys_in_both_languages():
    parts = sorted(p.name.split(".")[0] for p in (ROOT / "app/translations").glob("*.fr.json"))
    assert "core" in parts
    for part in parts:
        fr = json.loads((ROOT / f"app/translations/{part}.fr.json").read_text(encoding="utf-8"))
        en = json.loads((ROOT / f"app/translations/{part}.en.json").read_text(encoding="utf-8"))
        assert set(fr) == set(en), f"{part}: {sorted(set(fr) ^ set(en))}"
        assert all(v.strip() for v in fr.values()) and all(v.strip() for v in en.values())


def test_every_key_used_in_templates_scripts_and_code_is_translated():
    pattern = re.compile(r"""(?:\b_|\bt)\(\s*['"]([a-z_]+\.[a-z_0-9.]+)['"]""")
    used = set()
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/js/**/*.js"), *ROOT.glob("app/**/*.py")]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    for path in ROOT.glob("app/**/*.py"):
        used |= set(re.findall(r'"(err\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    fr, en = i18n.catalogue("fr"), i18n.catalogue("en")
    assert not sorted(k for k in used if k not in fr), "missing in French"
    assert not sorted(k for k in used if k not in en), "missing in English"


def test_every_enum_value_has_a_label():
    from app.rules import vocab

    groups = {"status": vocab.STATUSES, "cat": vocab.CATEGORY_KEYS, "sub": vocab.SUBCATEGORY_KEYS,
              "unit": vocab.UNITS, "freq": vocab.FREQUENCIES, "terms": vocab.TERMS, "cond": vocab.CONDITIONS,
              "org_kind": vocab.ORG_KINDS, "reason": vocab.ABANDON_REASONS, "vis": vocab.VISIBILITY}
    for lang in i18n.LANGS:
        cat = i18n.catalogue(lang)
        for g, values in groups.items():
            for v in values:
                assert f"{g}.{v}" in cat, (lang, g, v)


def test_french_is_the_default_and_english_is_selectable():
    assert i18n.t("status.explore", "fr") == "À approfondir"
    assert i18n.t("status.explore", "en") == "To explore"
    assert i18n.t("status.soon", "fr") == "Sur le point de se concrétiser"
    assert i18n.t("err.too_long", "fr", max=140) == "Trop long : 140 caractères au plus."
