"""Quantities, units and frequencies read the way people type them
("30", "t/an"; "2 bennes par mois"; "env. 500 kg" "chaque semaine"; "en continu"),
normalised to a dimension and a yearly amount so that an offer and a need compare.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import kbdata, text

NUM_RE = re.compile(r"(\d+(?:[.,]\d+)?)")
# app codes (app.rules.vocab) that the aliases below do not spell
CODE_UNITS = {"person_days": "jourspersonne", "pallets": "palettes", "pieces": "pieces"}


@lru_cache(maxsize=1)
def _tables():
    d = kbdata.load("units")
    return d["units"], d["frequencies"], d["labels"]


def _number(raw):
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    s = text.fold(str(raw)).replace("\u00a0", "").replace(" ", "")
    nums = [float(n.replace(",", ".")) for n in NUM_RE.findall(s)]
    if not nums:
        return None
    if len(nums) >= 2 and re.search(r"\d(a|-|/|ou)\d", s):  # "2 à 3", "2-3": the middle
        return (nums[0] + nums[1]) / 2
    return nums[0]


def read(quantity=None, unit=None, frequency=None) -> dict | None:
    """``{"dim", "amount", "per_year", "yearly"}`` or ``None`` when nothing usable was typed.

    ``amount`` is in the dimension's base unit; ``per_year`` is how many times a year
    (``None`` for a one-off stock or a continuous flow); ``yearly`` = amount × per_year.
    """
    units, freqs, _ = _tables()
    q = _number(quantity)
    blob = " ".join(str(x) for x in (quantity, unit, frequency) if x not in (None, ""))
    words = text.fold(blob).replace("/", " / ").replace("³", "3").replace("²", "2")
    toks = re.findall(r"[a-z0-9_]+", words)
    dim = factor = None
    per_year = None
    freq_seen = False
    for i, tok in enumerate(toks):
        tok = CODE_UNITS.get(tok, tok)
        if dim is None and tok in units and not tok.isdigit():
            dim, factor = units[tok]
            continue
        if tok in freqs:
            if tok in ("j", "h") and dim is None:
                continue
            freq_seen = True
            per_year = freqs[tok]
    for joined in ("".join(toks[i:i + 2]) for i in range(len(toks))):
        if not freq_seen and joined in freqs:
            freq_seen, per_year = True, freqs[joined]
        if dim is None and joined in units:
            dim, factor = units[joined]
    if q is None and dim in ("volume",) and factor == 10:  # "une benne" with no number
        q = 1.0
    if q is None or dim is None:
        return None
    amount = q * factor
    return {"dim": dim, "amount": amount, "per_year": per_year,
            "yearly": amount * per_year if per_year else None}


def show(qty: dict, lang: str = "fr") -> str:
    """"30 t/an", "12 m³" — the figure the reason shows."""
    _, _, labels = _tables()
    lab = labels[qty["dim"]]
    value = qty["yearly"] if qty.get("yearly") is not None else qty["amount"]
    unit = lab[lang] if qty.get("yearly") is not None else lab[f"stock_{lang}"]
    return f"{_fmt(value, lang)}\u00a0{unit}"


def _fmt(v: float, lang: str) -> str:
    if v >= 100:
        s = f"{v:,.0f}".replace(",", "\u00a0" if lang == "fr" else ",")
    elif v >= 10 or float(v).is_integer():
        s = f"{v:.0f}"
    else:
        s = f"{v:.1f}".rstrip("0").rstrip(".")
        s = s.replace(".", ",") if lang == "fr" else s
    return s


def compare(offer: dict | None, need: dict | None) -> tuple[str, float] | None:
    """``("fits" | "partial" | "far", ratio)`` for two read quantities of one dimension."""
    if not offer or not need or offer["dim"] != need["dim"]:
        return None
    both_yearly = offer.get("yearly") is not None and need.get("yearly") is not None
    a = offer["yearly"] if both_yearly else offer["amount"]
    b = need["yearly"] if both_yearly else need["amount"]
    if not b:
        return None
    r = a / b
    if r >= 0.8:
        return ("fits" if r <= 50 else "far"), r
    if r >= 0.2:
        return "partial", r
    return "far", r
