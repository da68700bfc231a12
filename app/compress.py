"""gzip for text responses (pages, CSS, JS, JSON): a phone's first page stays
small on a crowded venue wifi. Binary downloads and tiny bodies are left alone;
static files are compressed once per version (ETag) and kept in memory."""
from __future__ import annotations

import gzip
from collections import OrderedDict

from flask import request

TEXT_TYPES = ("text/", "application/javascript", "text/javascript", "application/json", "image/svg+xml")
MIN_SIZE = 1024
_cache: OrderedDict = OrderedDict()
_CACHE_MAX = 64


def _compress(body: bytes, key):
    if key is not None and key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    out = gzip.compress(body, compresslevel=6, mtime=0)
    if key is not None:
        _cache[key] = out
        while len(_cache) > _CACHE_MAX:
            _cache.popitem(last=False)
    return out


def gzip_response(resp):
    if (resp.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
            or resp.headers.get("Content-Encoding") or not resp.mimetype.startswith(TEXT_TYPES)
            or request.headers.get("Range")):
        return resp
    length = resp.content_length
    if length is not None and length < MIN_SIZE:
        return resp
    resp.direct_passthrough = False
    body = resp.get_data()
    if len(body) < MIN_SIZE:
        return resp
    etag, _ = resp.get_etag()
    key = (request.path, etag) if etag and request.path.startswith(("/static/", "/vendor/")) else None
    resp.set_data(_compress(body, key))
    resp.headers["Content-Encoding"] = "gzip"
    resp.vary.add("Accept-Encoding")
    if etag:
        resp.set_etag(f"{etag}-gz", weak=True)
    return resp
