"""Step 2: find the header row (below any title rows; one or two rows, merged
cells filled) and say what every column becomes.

A column is *recognised* (its header means a field: synonyms.json, our own
export headers in both languages, or a part of it such as "Ville" in
"Ville / Commune"), *remembered* (the user chose it for a file with the same
headers), *chosen* (by the user now), *export* (a column our exports compute:
ignored, no decision needed), *duplicate* (a second column for a field already
taken) or *unknown*. Nothing is dropped without being listed.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from .. import i18n
from . import spec
from .spec import key

HEADER_SCAN = 15
_SPLIT = re.compile(r"\s*(?:/|\(|\)|,|;|:|\s-\s|\s–\s|\bou\b|\bor\b)\s*")


@lru_cache(maxsize=4)
def _lookup(kind: str) -> tuple[dict, set]:
    exact: dict = {}
    syn = spec.synonyms()
    for field in spec.FIELDS[kind]:
        exact.setdefault(key(field), field)
    for hkey, field in spec.EXPORT_HEADERS[kind].items():  # our own export headers
        for lang in i18n.LANGS:
            lab = i18n.catalogue(lang).get(f"exp.h.{hkey}")
            if lab:
                exact.setdefault(key(lab), field)
    for field, names in syn["columns"][kind].items():
        for n in names:
            exact.setdefault(key(n), field)
    export_only = {key(n) for n in syn["export_only"][kind]}
    for hkey in spec.EXPORT_ONLY[kind]:
        for lang in i18n.LANGS:
            lab = i18n.catalogue(lang).get(f"exp.h.{hkey}")
            if lab:
                export_only.add(key(lab))
    export_only -= set(exact)
    return exact, export_only


def match(text, kind: str, prefix: bool = True) -> str | None:
    """The field a header means, or None."""
    if text is None:
        return None
    exact, _ = _lookup(kind)
    k = key(text)
    if not k:
        return None
    if k in exact:
        return exact[k]
    for part in _SPLIT.split(str(text)):
        pk = key(part)
        if pk in exact:
            return exact[pk]
    if not prefix:
        return None
    best = None
    for syn, field in exact.items():  # "Quantité estimée (t/an)" starts with "quantité"
        if len(syn) >= 5 and k.startswith(syn) and (best is None or len(syn) > len(best[0])):
            best = (syn, field)
    return best[1] if best else None


def _score(cells, kind) -> int:
    """How many distinct header texts of a row mean a field (a merged title counts once)."""
    return len({key(c) for c in cells if isinstance(c, str) and match(c, kind)})


def _is_group_pair(top, bottom, kind) -> bool:
    """``top`` holds group titles over ``bottom``: a title spans several columns (merged, so repeated,
    or followed by empty cells) and at least two of the cells under it are headers we know."""
    texts = {_text(c) for c in top if _text(c)}
    if len(texts) < 2 and not any(match(t, kind) for t in texts):
        return False  # a title over the whole table ("Inscriptions du 12 mars"), not group titles
    prev, start, known, cont = None, None, 0, 0
    for c in range(max(len(top), len(bottom))):
        t = _text(top[c] if c < len(top) else None)
        b = bottom[c] if c < len(bottom) else None
        if b is None:
            prev = None
            continue
        if t and t != prev:
            prev, start = t, c
            if isinstance(b, str) and _text(b) != t and match(b, kind):
                known += 1
            continue
        if prev is not None and (not t or t == prev):
            cont += 1
            if isinstance(b, str) and match(b, kind):
                known += 1
    return cont >= 1 and known >= 2


def column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(c) -> str:
    if c is None:
        return ""
    if isinstance(c, float) and c.is_integer():
        c = int(c)
    return re.sub(r"\s+", " ", str(c)).strip()


def find_header(rows: list, kind: str) -> tuple[int, int]:
    """(index of the first header row in ``rows``, number of header rows: 1 or 2); (-1, 0) if none."""
    best, best_i = 0, -1
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        s = _score(cells, kind)
        if s > best:
            best, best_i = s, i
    if best_i < 0:
        return -1, 0
    if best_i + 1 < len(rows) and _is_group_pair(rows[best_i][1], rows[best_i + 1][1], kind):
        return best_i, 2
    if best_i > 0 and _is_group_pair(rows[best_i - 1][1], rows[best_i][1], kind):
        return best_i - 1, 2
    return best_i, 1


def columns(rows: list, kind: str, overrides: dict | None = None, remembered: dict | None = None) -> dict:
    """Header detection and the column list.

    ``overrides`` and ``remembered`` map a column's header key (see ``Column['key']``) to a field or
    ``spec.IGNORE``. Returns ``{"header_lines": [n…], "data": rows after the header, "columns": [...],
    "signature"}``; each column ``{"index", "letter", "header", "key", "field", "status", "samples"}``."""
    start, n = find_header(rows, kind)
    if start < 0:
        return {"header_lines": [], "data": rows, "columns": [], "signature": ""}
    head = [rows[start + j][1] for j in range(n)]
    width = max(max((len(r) for _, r in rows[start:start + 200]), default=0), *(len(h) for h in head))
    data = rows[start + n:]
    overrides, remembered = overrides or {}, remembered or {}
    _, export_only = _lookup(kind)
    cols, taken = [], {}
    top_fill = ""
    for i in range(width):
        parts = []
        for j, h in enumerate(head):
            t = _text(h[i] if i < len(h) else None)
            if j == 0 and n == 2:  # an empty top cell under a group title continues it
                below = _text(head[1][i] if i < len(head[1]) else None)
                if t:
                    top_fill = t
                elif below:
                    t = top_fill
                else:
                    top_fill = ""
            if t and t not in parts:
                parts.append(t)
        header = " › ".join(parts)
        hkey = "|".join(key(p) for p in parts) or f"#{column_letter(i)}"
        field = None
        status = "unknown"
        if hkey in overrides:
            field, status = overrides[hkey] or None, "chosen" if overrides[hkey] else "ignored"
        else:
            cands = [(" ".join(parts), False)] + [(p, True) for p in parts[::-1]] if len(parts) > 1 \
                else [(p, True) for p in parts]
            for cand, prefix in cands:
                field = match(cand, kind, prefix=prefix)
                if field:
                    status = "recognised"
                    break
            if not field and parts and key(" ".join(parts)) in export_only:
                status = "export"
            if hkey in remembered and (remembered[hkey] or None) != field:
                field = remembered[hkey] or None
                status = "remembered" if field else "ignored"
        if field and field not in spec.FIELDS[kind]:
            field, status = None, "unknown"
        if field and field in taken:
            status, dup_of, field = "duplicate", taken[field], None
        else:
            dup_of = None
        if field:
            taken[field] = column_letter(i)
        samples = []
        for _, cells in data:
            v = cells[i] if i < len(cells) else None
            if v is not None and _text(v):
                samples.append(_text(v)[:40])
                if len(samples) == 3:
                    break
        if not header and not samples:
            continue  # a column with nothing in it at all
        cols.append({"index": i, "letter": column_letter(i), "header": header, "key": hkey, "field": field,
                     "status": status, "duplicate_of": dup_of, "samples": samples})
    sig = hashlib.sha1(("\x1f".join(c["key"] for c in cols) + "\x1e" + kind).encode()).hexdigest()[:16]
    return {"header_lines": [rows[start + j][0] for j in range(n)], "data": data, "columns": cols,
            "signature": sig}
