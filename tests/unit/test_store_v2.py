"""A workshop file from before the organiser contact (schema v1) opens and gains the new columns."""
import sqlite3

from app.store import SCHEMA_VERSION, Store


def test_a_v1_file_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE workshop (id TEXT PRIMARY KEY, code TEXT, name TEXT, date TEXT, venue TEXT, zones TEXT,"
                 " password_hash TEXT, intake_open INTEGER, phase TEXT, projector_token TEXT, categories_extra TEXT,"
                 " created_at TEXT, updated_at TEXT, version INTEGER)")
    conn.execute("INSERT INTO workshop (id, code, name, version) VALUES ('w1', 'ABC123', 'Ancien atelier', 3)")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    store = Store(path)
    info = store.workshop()
    assert info["name"] == "Ancien atelier" and info["version"] == 3
    assert {"organiser_name", "organiser_email", "organiser_phone", "logo_sha"} <= set(info)
    assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
    with store.tx({"role": "organiser", "id": None, "label": "t"}, None) as tx:
        sha = tx.put_blob(b"\x89PNG fake", "image/png")
        tx.update("workshop", "w1", {"organiser_name": "Claire", "logo_sha": sha})
    assert store.blob(sha) == (b"\x89PNG fake", "image/png")
    assert store.workshop()["organiser_name"] == "Claire"
    store.close()
