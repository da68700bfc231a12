"""Step 5: write a plan, all or nothing.

One store transaction for the whole file: the organisations a sheets file names
and the user chose to create, then every created and updated record, each with
its journal event, and the column mapping remembered for the next file with the
same headers. Then one broadcast of all the events (app/realtime.py). Rejected
and skipped rows write nothing.
"""
from __future__ import annotations

import json

from ..store import new_id, now_iso
from . import spec

ORGANISER = {"role": "organiser", "id": "organiser", "label": "Organisateur·rice", "org": None}
ORG_COLUMNS = ("id", "name", "kind", "kind_label", "sector", "commune", "postcode", "zone", "contact_name", "email",
               "phone", "consent", "presence", "table_no", "hidden")
SHEET_COLUMNS = ("id", "organisation_id", "kind", "paper_no", "category", "category_label", "subcategory", "title",
                 "description", "quantity", "unit", "unit_label", "frequency", "frequency_label", "available_from",
                 "available_until", "condition", "condition_label", "waste_code", "logistics", "terms",
                 "terms_label", "visibility", "anonymous", "author", "state", "hidden")
BOOLS = ("consent", "hidden", "anonymous")


def _row(values: dict, allowed) -> dict:
    out = {}
    for k, v in values.items():
        if k in allowed:
            out[k] = int(v) if k in BOOLS and v is not None else v
    return out


def apply(ws, plan: dict, *, actor: dict | None = None) -> dict:
    """Write ``plan`` (from :func:`app.imports.preview.analyse`); returns counts and the last seq."""
    from ..services import commit

    actor = actor or ORGANISER
    if plan.get("problems"):
        raise ValueError("plan has problems")
    tally = {}

    def write(tx):
        """All rows or none: one transaction (a savepoint of the store's group commit, run again if needed)."""
        created = tally["created"] = {"organisation": 0, "sheet": 0}
        tally["updated"] = 0
        new_org_ids = {}
        for o in plan.get("new_orgs", []):
            oid = new_id()
            tx.insert("organisation", {"id": oid, "name": o["name"], "kind": "other", "kind_label": None,
                                       "presence": "present", "consent": 0, "hidden": 0})
            new_org_ids[o["key"]] = oid
            created["organisation"] += 1
        org_cache: dict = {}
        for r in plan["rows"]:
            if r["action"] not in ("create", "update"):
                continue
            vals = dict(r["values"])
            if plan["kind"] == "organisations":
                entity, cols, defaults = "organisation", ORG_COLUMNS, \
                    {"kind": "company", "presence": "present", "consent": 0, "hidden": 0}
            else:
                entity, cols, defaults = "sheet", SHEET_COLUMNS, \
                    {"visibility": "all", "anonymous": 0, "state": "open", "hidden": 0, "author": actor["label"]}
                if vals.get("organisation_new"):
                    vals["organisation_id"] = new_org_ids[vals["organisation_new"]]
            if r["action"] == "create":
                row = {**defaults, **_row(vals, cols)}
                row.setdefault("id", new_id())
                if not row.get("id"):
                    row["id"] = new_id()
                if entity == "sheet":
                    oid = row["organisation_id"]
                    if oid not in org_cache:
                        org_cache[oid] = tx.get("organisation", oid) or {}
                    row["table_no"] = org_cache[oid].get("table_no")
                tx.insert(entity, row)
                created[entity] += 1
            else:
                changes = _row({f: new for f, (_, new) in r["changes"].items()}, cols)
                changes.pop("id", None)
                if changes:
                    tx.update(entity, r["target"], changes)
                    tally["updated"] += 1
        memory = {"columns": {c["key"]: c["field"] or "" for c in plan["columns"]}, "values": {}}
        for v in plan.get("values", []):
            memory["values"].setdefault(v["field"], {})[v["key"]] = v["choice"]
        if plan.get("signature"):
            tx.conn.execute("INSERT OR REPLACE INTO import_mappings (signature, kind, mapping, updated_at) "
                            "VALUES (?, ?, ?, ?)", [plan["signature"], plan["kind"],
                                                    json.dumps(memory, ensure_ascii=False), now_iso()])

    _, seq = commit(ws, actor, write)  # published through the one broadcast point, in seq order
    return {"created": tally["created"], "updated": tally["updated"], "skipped": plan["counts"]["skip"],
            "rejected": plan["counts"]["reject"], "seq": seq}
