"""What can be imported: the fields of each kind, their type, the fixed list
(value group) they take and the free field that keeps a value's original text.
The words people use for them are data: ``synonyms.json``."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..exports import data as D
from ..rules import vocab

KINDS = ("organisations", "sheets")

# field -> (type, value group or None, label field or None)
FIELDS = {
    "organisations": {
        "id": ("id", None, None),
        "name": ("text", None, None),
        "kind": ("enum", "org_kind", "kind_label"),
        "kind_label": ("text", None, None),
        "sector": ("text", None, None),
        "commune": ("text", None, None),
        "postcode": ("postcode", None, None),
        "zone": ("text", None, None),
        "contact_name": ("text", None, None),
        "email": ("email", None, None),
        "phone": ("phone", None, None),
        "consent": ("bool", "bool", None),
        "presence": ("enum", "presence", None),
        "table_no": ("int", None, None),
        "hidden": ("bool", "bool", None),
    },
    "sheets": {
        "id": ("id", None, None),
        "organisation": ("org", "organisation", None),
        "kind": ("enum", "sheet_kind", None),
        "paper_no": ("code", None, None),
        "category": ("enum", "cat", "category_label"),
        "category_label": ("text", None, None),
        "subcategory": ("enum", "sub", None),
        "title": ("text", None, None),
        "description": ("text", None, None),
        "quantity": ("number", None, None),
        "unit": ("enum", "unit", "unit_label"),
        "unit_label": ("text", None, None),
        "frequency": ("enum", "freq", "frequency_label"),
        "frequency_label": ("text", None, None),
        "available_from": ("date", None, None),
        "available_until": ("date", None, None),
        "condition": ("enum", "cond", "condition_label"),
        "condition_label": ("text", None, None),
        "waste_code": ("code", None, None),
        "logistics": ("text", None, None),
        "terms": ("enum", "terms", "terms_label"),
        "terms_label": ("text", None, None),
        "visibility": ("enum", "visibility", None),
        "anonymous": ("bool", "bool", None),
        "state": ("enum", "sheet_state", None),
        "author": ("text", None, None),
        "hidden": ("bool", "bool", None),
    },
}
REQUIRED = {"organisations": ("name",), "sheets": ("organisation", "kind", "category", "title")}
# Columns of our own exports, in the order of app/exports/tables.py: header key -> field
EXPORT_HEADERS = {
    "organisations": {"id": "id", "name": "name", "kind": "kind", "kind_label": "kind_label", "sector": "sector",
                      "commune": "commune", "postcode": "postcode", "zone": "zone", "contact": "contact_name",
                      "email": "email", "phone": "phone", "consent": "consent", "presence": "presence",
                      "table": "table_no", "hidden": "hidden"},
    "sheets": {"id": "id", "organisation": "organisation", "sheet_kind": "kind", "paper_no": "paper_no",
               "category": "category", "category_label": "category_label", "subcategory": "subcategory",
               "title": "title", "description": "description", "quantity": "quantity", "unit": "unit",
               "unit_label": "unit_label", "frequency": "frequency", "frequency_label": "frequency_label",
               "available_from": "available_from", "available_until": "available_until",
               "condition": "condition", "condition_label": "condition_label", "waste_code": "waste_code",
               "logistics": "logistics", "terms": "terms", "terms_label": "terms_label",
               "visibility": "visibility", "anonymous": "anonymous", "state": "state", "author": "author",
               "hidden": "hidden"},
}
EXPORT_ONLY = {"organisations": ("n_sheets", "n_ideas", "created_at", "updated_at", "version"),
               "sheets": ("ref", "table", "created_at", "updated_at", "version")}

CODES = {"org_kind": vocab.ORG_KINDS, "presence": vocab.PRESENCE, "sheet_kind": vocab.SHEET_KINDS,
         "unit": vocab.UNITS, "freq": vocab.FREQUENCIES, "cond": vocab.CONDITIONS, "terms": vocab.TERMS,
         "visibility": vocab.VISIBILITY, "cat": vocab.CATEGORY_KEYS, "sub": vocab.SUBCATEGORY_KEYS,
         "sheet_state": vocab.SHEET_STATES, "bool": ["yes", "no"]}
# label groups of the catalogues that name the same values
LABEL_GROUPS = {"sheet_kind": ["sheet_kind", "exp.kind"], "visibility": ["visibility", "vis"],
                "bool": ["exp"], "sheet_state": ["sheet_state"]}
OTHER = "__other__"    # keep the original text in the label field ("autre")
REJECT = "__reject__"  # refuse the rows with this value
CREATE = "__create__"  # sheets: create the organisation named in the file
IGNORE = ""            # a column left out (the user saw it)


def key(text) -> str:
    """Header or value normalised for matching: no accents, no case, letters and digits only."""
    return _key(str(text if text is not None else ""))


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", D.sort_key(text))


@lru_cache(maxsize=1)
def synonyms() -> dict:
    return json.loads((Path(__file__).with_name("synonyms.json")).read_text(encoding="utf-8"))


@lru_cache(maxsize=512)
def field_label(kind: str, field: str, lang: str) -> str:
    own = D.t(f"imp.f.{kind}.{field}", lang)  # a field named differently in one kind ("offre / besoin")
    return own if not own.startswith("imp.f.") else D.t(f"imp.f.{field}", lang)


def value_label(group: str, code: str, lang: str) -> str:
    if group == "bool":
        return D.t("exp.yes" if code == "yes" else "exp.no", lang)
    for g in LABEL_GROUPS.get(group, [group]):
        text = D.t(f"{g}.{code}", lang)
        if not text.startswith(f"{g}."):
            return text
    return code
