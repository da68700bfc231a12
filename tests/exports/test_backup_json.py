"""JSON backup and restore into a new workshop: record by record, journal included."""
from __future__ import annotations

import json

import pytest

from app.exports import backup_json
from app.exports.backup_json import BackupError
from app.services import ideas, workshops
from tests.conftest import ORGANISER


def _without_workshop_identity(doc):
    out = {}
    for table, rows in doc["tables"].items():
        rows = [dict(r) for r in rows]
        if table == "workshop":
            for r in rows:
                r.pop("id"), r.pop("code")
        if table == "events":
            for r in rows:
                if r["entity"] == "workshop":
                    r.pop("entity_id")
                    for k in ("before", "after"):
                        if r[k]:
                            rec = json.loads(r[k])
                            rec.pop("id", None), rec.pop("code", None)
                            r[k] = rec
        out[table] = rows
    return out


def test_round_trip_is_identical(demo, registry):
    raw = backup_json.backup(demo)
    doc = json.loads(raw)
    assert {k: len(v) for k, v in doc["tables"].items() if k in ("organisations", "sheets", "ideas")} == \
        {"organisations": 36, "sheets": 278, "ideas": 510}
    restored = backup_json.restore(registry, raw)
    assert restored.id != demo.id and restored.code != demo.code
    assert registry.get(restored.id) is restored and registry.by_code(restored.code) is restored
    again = backup_json.dump(restored)
    a, b = _without_workshop_identity(doc), _without_workshop_identity(again)
    for table in backup_json.TABLE_ORDER:
        assert len(a[table]) == len(b[table]), table
        for r1, r2 in zip(a[table], b[table]):
            assert r1 == r2, (table, r1.get("id") or r1.get("seq"))
    info = restored.info()
    assert info["id"] == restored.id and info["code"] == restored.code
    ev = restored.store.rows("SELECT entity_id, after FROM events WHERE entity='workshop' ORDER BY seq LIMIT 1")[0]
    assert ev["entity_id"] == restored.id and json.loads(ev["after"])["code"] == restored.code
    # the copy is a live workshop: the journal goes on from the same seq, versions are checked
    assert restored.store.last_seq() == demo.store.last_seq()
    idea = restored.store.all("idea", "status = 'new'")[0]
    moved, seq = ideas.move(restored, ORGANISER, idea["id"], {"version": idea["version"], "status": "explore"})
    assert seq == demo.store.last_seq() + 1 and moved["version"] == idea["version"] + 1
    assert workshops.check_organiser(restored, "demo-atelier") == workshops.check_organiser(demo, "demo-atelier")


def test_restore_survives_a_reopen(ws, registry, tmp_path):
    from app.registry import Registry

    raw = backup_json.backup(ws)
    restored = backup_json.restore(registry, raw.decode("utf-8"))
    other = Registry(registry.data_dir)
    try:
        again = other.get(restored.id)
        assert again is not None and again.code == restored.code
    finally:
        other.close()


@pytest.mark.parametrize("bad", [b"not json", b"{}", json.dumps({"format": "atelier-synergies-backup",
                                                                  "version": 99, "tables": {}}).encode(),
                                 json.dumps({"format": "atelier-synergies-backup", "version": 1,
                                             "tables": {"workshop": [], "evil": []}}).encode()])
def test_bad_backups_are_refused_and_leave_nothing(registry, bad):
    before = set(registry.data_dir.glob("*"))
    with pytest.raises(BackupError):
        backup_json.restore(registry, bad)
    assert set(registry.data_dir.glob("*")) == before


def test_rows_that_do_not_fit_leave_nothing(ws, registry):
    doc = backup_json.dump(ws)
    doc["tables"]["events"].append(dict(doc["tables"]["events"][0]))  # duplicate seq: primary key clash
    n = len(registry.all())
    files = set(registry.data_dir.glob("*.sqlite"))
    with pytest.raises(BackupError):
        backup_json.restore(registry, doc)
    assert len(registry.all()) == n and set(registry.data_dir.glob("*.sqlite")) == files


def test_every_table_of_the_file_is_in_the_backup(demo):
    """A table added by a later feature is backed up without anyone listing it."""
    doc = backup_json.dump(demo)
    names = {r["name"] for r in demo.store.rows(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    assert set(doc["tables"]) == names
    assert {"meetings", "blobs", "import_mappings", "suggestions"} <= names
    assert len(doc["tables"]["meetings"]) == 87  # the real event's B2B meetings


def test_logo_meetings_and_remembered_mappings_survive_a_restore(ws, registry):
    import io

    from PIL import Image

    from app import imports

    img = io.BytesIO()
    Image.new("RGB", (120, 40), (20, 120, 60)).save(img, "PNG")
    workshops.update_contact(ws, ORGANISER, {"organiser_name": "Maison de l'emploi"}, logo=img.getvalue())
    csv = "Nom de la structure;Commune\nScierie du Layon;Chemillé\n".encode("utf-8")
    assert imports.run(ws, csv, "inscrits.csv", "organisations", accept=True)["written"]
    raw = backup_json.backup(ws)
    restored = backup_json.restore(registry, raw)
    assert workshops.logo(restored) == workshops.logo(ws) and workshops.logo(ws)[1] == "image/png"
    assert restored.store.rows("SELECT signature, mapping FROM import_mappings") == \
        ws.store.rows("SELECT signature, mapping FROM import_mappings") != []
    # the restored file backs up to the same rows again (blobs as base64 both times)
    assert _without_workshop_identity(backup_json.dump(restored))["blobs"] == \
        _without_workshop_identity(json.loads(raw))["blobs"]


def test_a_backup_with_a_table_this_version_lacks_is_refused(ws, registry):
    doc = backup_json.dump(ws)
    doc["tables"]["from_the_future"] = [{"id": "x"}]
    before = set(registry.data_dir.glob("*"))
    with pytest.raises(BackupError):
        backup_json.restore(registry, doc)
    assert set(registry.data_dir.glob("*")) == before
