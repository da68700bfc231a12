"""Step 3: cells -> stored values, and the values outside a fixed list.

Parsers return ``(value, note)``: ``note`` is a translation key (with params)
saying what was done to the cell (a leading 0 put back, "mailto:" removed…), so
the preview shows it; they raise :class:`Bad` with a key for a cell that cannot
be read. Enum cells are *standard* when they spell a code exactly (code, label
in either language, synonyms.json ``values``); anything else is listed once with
its count and a proposal (``hints``, a unique prefix, the closest label, else
"autre" keeping the text in the label field).
"""
from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from .. import i18n
from ..rules import vocab
from . import spec
from .spec import key

_SPACES = "\u00a0\u202f\u2009\u2007 '’"
_NUM_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_MONTHS = {"janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "mars": 3, "mar": 3,
           "avril": 4, "avr": 4, "apr": 4, "mai": 5, "may": 5, "juin": 6, "jun": 6, "juillet": 7, "juil": 7,
           "jul": 7, "aout": 8, "aug": 8, "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10,
           "novembre": 11, "nov": 11, "decembre": 12, "dec": 12, "january": 1, "february": 2, "march": 3,
           "april": 4, "june": 6, "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
           "december": 12}
EXCEL_EPOCH = date(1899, 12, 30)


class Bad(ValueError):
    def __init__(self, key_: str, **params):
        super().__init__(key_)
        self.key, self.params = key_, params


def clean_text(raw) -> str | None:
    """A cell as text: integral numbers without ".0", dates as ISO, our CSV's anti-formula
    apostrophe removed, outer spaces trimmed (inner line breaks kept)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (int, float)):
        return repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, (time, timedelta)):  # a time or a duration cell: as the spreadsheet shows it
        return str(raw)
    s = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(s) > 1 and s[0] == "'" and s[1] in "=+-@":
        s = s[1:]
    return s or None


def parse_number(raw):
    """"1 200,5", "1 200" (U+202F), "1.200,5", "12,5 t" -> (1200.5, unit text or None)."""
    if raw is None or isinstance(raw, bool):
        return None, None
    if isinstance(raw, (int, float)):
        return float(raw), None
    if isinstance(raw, (date, time, timedelta)):
        raise Bad("imp.bad.number", value=clean_text(raw))
    s = clean_text(raw)
    if s is None:
        return None, None
    m = re.match(r"^\s*(?:env(?:iron|\.)?\s*|~\s*|ca\.?\s*)?([+-]?[\d" + _SPACES + r".,]*\d)\s*(.*)$", s, re.I)
    if not m:
        raise Bad("imp.bad.number", value=s)
    num, rest = m.group(1), m.group(2).strip()
    for ch in _SPACES:
        num = num.replace(ch, "")
    if "," in num and "." in num:
        if num.rfind(",") > num.rfind("."):
            num = num.replace(".", "").replace(",", ".")
        else:
            num = num.replace(",", "")
    elif "," in num:
        num = num.replace(",", ".") if num.count(",") == 1 else num.replace(",", "")
    elif num.count(".") > 1:
        num = num.replace(".", "")
    if not _NUM_RE.match(num):
        raise Bad("imp.bad.number", value=s)
    return float(num), (rest or None)


def parse_int(raw):
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if float(raw).is_integer():
            return int(raw)
        raise Bad("imp.bad.integer", value=clean_text(raw))
    s = clean_text(raw)
    m = re.fullmatch(r"(?:table|t|n°|no|#)?\s*(\d+)", s or "", re.I)
    if not m:
        raise Bad("imp.bad.integer", value=s)
    return int(m.group(1))


def parse_date(raw):
    """Excel dates, serial numbers, 01/02/2027, 1/2/27, 2027-02-01, 1er février 2027 -> ISO date."""
    if raw is None:
        return None, None
    if isinstance(raw, datetime):
        return raw.date().isoformat(), None
    if isinstance(raw, date):
        return raw.isoformat(), None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 20000 <= raw <= 80000:  # an Excel serial number that lost its date format
            return (EXCEL_EPOCH + timedelta(days=int(raw))).isoformat(), ("imp.note.excel_serial", {})
        raise Bad("imp.bad.date", value=clean_text(raw))
    s = clean_text(raw)
    if s is None:
        return None, None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?", s)
    if m:
        y, mo, d_ = (int(x) for x in m.groups())
        return _iso(y, mo, d_, s), None
    m = re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})(?:\s+[\d:]+)?", s)
    if m:
        d_, mo, y = (int(x) for x in m.groups())
        return _iso(y + 2000 if y < 100 else y, mo, d_, s), None
    f = key_words(s)
    m = re.fullmatch(r"(?:\w+ )?(\d{1,2})(?:er)? ([a-z]+)\.? (\d{4})", f)
    if m and m.group(2) in _MONTHS:
        return _iso(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)), s), None
    m = re.fullmatch(r"([a-z]+)\.? (\d{4})", f)
    if m and m.group(1) in _MONTHS:
        return _iso(int(m.group(2)), _MONTHS[m.group(1)], 1, s), ("imp.note.first_of_month", {})
    raise Bad("imp.bad.date", value=s)


def key_words(s) -> str:
    from ..exports.data import sort_key

    return " ".join(re.split(r"[^a-z0-9]+", sort_key(s))).strip()


def _iso(y, mo, d_, raw):
    try:
        return date(y, mo, d_).isoformat()
    except ValueError:
        raise Bad("imp.bad.date", value=raw) from None


def parse_phone(raw):
    """Phones stay text. A number-typed cell lost its leading 0: 9 digits get it back, 33… gets "+"."""
    if raw is None:
        return None, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        digits = str(int(raw)) if float(raw).is_integer() else clean_text(raw)
        if len(digits) == 9 and digits[0] != "0":
            return "0" + digits, ("imp.note.leading_zero", {"value": "0" + digits})
        if len(digits) == 11 and digits.startswith("33"):
            return "+" + digits, ("imp.note.plus", {"value": "+" + digits})
        return digits, None
    s = clean_text(raw)
    if s is None:
        return None, None
    if s.lower().startswith("tel:"):
        return s[4:].strip(), ("imp.note.tel_prefix", {})
    if re.fullmatch(r"[1-9]\d{8}", s):  # a CSV written from a number cell: the 0 was already lost
        return "0" + s, ("imp.note.leading_zero", {"value": "0" + s})
    return s, None


def parse_email(raw):
    s = clean_text(raw)
    if s is None:
        return None, None
    if s.lower().startswith("mailto:"):
        s = s[7:].split("?", 1)[0].strip()
        return s, ("imp.note.mailto", {"value": s})
    return s, None


def parse_postcode(raw):
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() \
            and 1000 <= raw <= 9999:
        v = f"{int(raw):05d}"
        return v, ("imp.note.leading_zero", {"value": v})
    return clean_text(raw), None


# -- fixed lists ------------------------------------------------------------------------

@lru_cache(maxsize=None)
def standard_map(group: str) -> dict:
    """Exact spellings -> code: codes, labels in both languages, synonyms.json ``values``."""
    out: dict = {}
    codes = spec.CODES[group]
    for code in codes:
        out.setdefault(key(code), code)
    for code, names in spec.synonyms()["values"].get(group, {}).items():
        for n in names:
            out.setdefault(key(n), code)
    for lang in i18n.LANGS:
        for code in codes:
            out.setdefault(key(spec.value_label(group, code, lang)), code)
    return out


@lru_cache(maxsize=None)
def _hints(group: str) -> list:
    out = []
    for code, words in spec.synonyms()["hints"].get(group, {}).items():
        for w in words:
            k = key(w)
            if len(k) >= 2:
                out.append((k, code))
    out.sort(key=lambda kv: -len(kv[0]))
    return out


def standard(group: str, raw) -> str | None:
    """The code a cell spells exactly, or None."""
    if group == "sub":
        return standard_map("sub").get(key(raw))
    return standard_map(group).get(key(raw))


def subcategory_of(raw):
    """"Bois" in the category column: (waste, wood)."""
    sub = standard_map("sub").get(key(raw))
    if not sub:
        return None
    for cat, subs in vocab.CATEGORIES.items():
        if sub in subs:
            return cat, sub
    return None


def propose(group: str, raw) -> str:
    """The proposed code for a value that is not standard, else ``spec.OTHER``."""
    k = key(raw)
    if not k:
        return spec.OTHER
    for h, code in _hints(group):
        if len(h) >= 4 and h in k or h == k:
            return code
    m = standard_map(group)
    if len(k) >= 3:
        # "Palettes Europe" starts with "palettes"; "Déchets" begins "Déchets et coproduits" (but a unit
        # like "jours" is never taken for the longer "jours-personne": another quantity altogether).
        hits = {code for lab, code in m.items()
                if (len(lab) >= 4 and k.startswith(lab)) or (group != "unit" and lab.startswith(k))}
        if len(hits) == 1:
            return hits.pop()
    # Typos ("Hebdomadiare"), never for units: "jours" is one letter from "hours" and means something else.
    close = difflib.get_close_matches(k, list(m), n=1, cutoff=0.85) if group != "unit" and len(k) >= 5 else []
    if close:
        return m[close[0]]
    return spec.OTHER


def choices(group: str, lang: str, with_other: bool = True) -> list:
    """[(code, label)] for a value group's select, "autre" first when the field keeps text."""
    out = [(spec.OTHER, i18n.t("imp.v.other", lang))] if with_other else []
    out += [(c, spec.value_label(group, c, lang)) for c in spec.CODES[group]]
    return out


def accepted(group: str, lang: str) -> str:
    return ", ".join(spec.value_label(group, c, lang) for c in spec.CODES[group])
