"""Impact figures of a synergy and the tCO2e they avoid, from the factor table.

The table ships as ``factors.json`` (documented defaults: source and year)
and the organiser may edit or add factors per workshop (rows of the
``factors`` table override the defaults by ``key``). A figure is computed
once, when it is entered, and keeps a copy of every factor it used: editing
the table later never changes a figure already reported.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("factors.json")
STAGES = ("estimated", "actual")
FAMILIES = ("material", "energy", "water")
UNIT_OF_FAMILY = {"material": "t", "energy": "MWh", "water": "m3"}
# Figure -> (family of the factor it takes, field naming the factor)
QUANTITIES = {"tonnes": ("material", "material"), "mwh": ("energy", "energy"), "water_m3": ("water", None)}
FACTOR_FIELDS = ("key", "family", "unit", "kg_co2e", "label_fr", "label_en", "source", "year")


@lru_cache(maxsize=1)
def _shipped() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def defaults() -> dict[str, dict]:
    return {f["key"]: dict(f) for f in _shipped()["factors"]}


def table(overrides: list[dict] | None = None) -> dict[str, dict]:
    """The effective table: shipped defaults, then the workshop's own rows by ``key``."""
    out = defaults()
    for row in overrides or []:
        key = row.get("key")
        if key:
            out[key] = {**out.get(key, {}), **{k: row[k] for k in FACTOR_FIELDS if row.get(k) is not None},
                        "edited": True}
    return out


def suggest(category: str | None, subcategory: str | None) -> str | None:
    """The factor a sheet's category points to (what the impact form proposes first)."""
    data = _shipped()
    return data["by_subcategory"].get(subcategory or "") or data["by_category"].get(category or "")


class ImpactError(ValueError):
    def __init__(self, field, key):
        super().__init__(key)
        self.field, self.key = field, key


def compute(figures: dict, factors: dict[str, dict]) -> dict:
    """``figures`` (tonnes + material, mwh + energy, water_m3, euros, jobs) -> the same with ``co2_t``
    (tonnes CO2e avoided) and ``factors_used`` (a copy of each factor, with the quantity and its share).

    A quantity without its factor is refused (:class:`ImpactError`), so a tCO2e figure never hides a
    missing factor; a factor of the wrong family (a material for MWh) is refused too."""
    used, co2 = [], 0.0
    for qty_field, (family, factor_field) in QUANTITIES.items():
        qty = figures.get(qty_field)
        if qty in (None, 0):
            continue
        key = figures.get(factor_field) if factor_field else "water"
        if not key:
            raise ImpactError(factor_field, "err.factor_required")
        f = factors.get(key)
        if f is None:
            raise ImpactError(factor_field or qty_field, "err.factor_unknown")
        if f.get("family") != family:
            raise ImpactError(factor_field or qty_field, "err.factor_family")
        part = float(qty) * float(f["kg_co2e"]) / 1000.0
        co2 += part
        used.append({**{k: f.get(k) for k in FACTOR_FIELDS}, "quantity": float(qty), "co2_t": round(part, 6)})
    return {**figures, "co2_t": round(co2, 6), "factors_used": used}


def euros_total(euros) -> float:
    """Euros saved or earned, summed over the parties (``{organisation id: amount}``)."""
    if not isinstance(euros, dict):
        return 0.0
    return float(sum(v for v in euros.values() if isinstance(v, (int, float))))
