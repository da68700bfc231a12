"""A refused form shows why, next to the field or for the whole form: never a page re-shown without a word."""
from __future__ import annotations

import re

from app import create_app
from app.errors import ServiceError
from app.services import workshops


def test_field_messages_name_each_field_or_else_the_whole_form(tmp_path):
    from app.web.common import field_messages

    app = create_app({"DATA_DIR": str(tmp_path / "d"), "ASYNC_MODE": "threading"})
    try:
        with app.test_request_context("/"):
            per_field = field_messages(ServiceError(422, "err.invalid", fields={"name": ("err.required", {})}))
            assert list(per_field) == ["name"] and per_field["name"]
            whole = field_messages(ServiceError(503, "err.storage"))
            assert whole == {"_": "Le disque refuse l’enregistrement (plein ou en lecture seule) : rien n’a été "
                                  "enregistré."}
            assert list(field_messages(ServiceError(413, "err.logo_too_big", {"max": 300}), whole="logo")) == ["logo"]
    finally:
        app.extensions["registry"].close()


def test_a_workshop_refused_as_a_whole_says_so_on_the_home_page(tmp_path, monkeypatch):
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "ASYNC_MODE": "threading"})
    try:
        client = app.test_client()
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)

        def full_disk(registry, data):
            raise ServiceError(503, "err.storage")

        monkeypatch.setattr(workshops, "create", full_disk)
        r = client.post("/workshops", data={"csrf": csrf, "name": "Atelier des Mauges", "password": "motdepasse"})
        page = r.get_data(as_text=True)
        assert r.status_code == 503
        assert 'id="create-error">Le disque refuse l’enregistrement' in page
        assert 'value="Atelier des Mauges"' in page and "motdepasse" not in page  # typed values kept, not the password
    finally:
        app.extensions["registry"].close()
