"""Records whose derived fields changed because a record they are built from changed.

An idea's title and linked-sheet ids are computed per reader from the sheets
it links (``app.rules.visibility``). When such a sheet is hidden, made
confidential, withdrawn or deleted, the ideas that link it are sent again
with the same ``seq`` (action ``refresh``), on the socket and in a resync.
"""
from __future__ import annotations

from .rules.visibility import FEEDS
from .store import ENTITY_TABLE


def refreshes(store, events: list[dict]) -> list[dict]:
    out, seen = [], set()
    for ev in events:
        feed = FEEDS.get(ev["entity"])
        if not feed:
            continue
        before, after = ev.get("before"), ev.get("after")
        if before is None:  # a new record: nothing linked to it was sent before
            continue
        if after is not None and all(before.get(k) == after.get(k) for k in feed["fields"]):
            continue
        for entity, keys in feed["into"].items():
            where = " OR ".join(f"[{k}] = ?" for k in keys)
            for row in store.rows(f"SELECT * FROM [{ENTITY_TABLE[entity]}] WHERE {where}", [ev["entity_id"]] * len(keys)):
                if (entity, row["id"]) in seen:
                    continue
                seen.add((entity, row["id"]))
                out.append({"seq": ev["seq"], "entity": entity, "entity_id": row["id"], "action": "refresh",
                            "before": row, "after": row})
    return out
