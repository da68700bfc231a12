"""The import wizard in chromium on a 1366×768 laptop: upload, map a column, map a value, preview, confirm."""
from __future__ import annotations

import requests

from tests.browser.conftest import new_page
from tests.browser.helpers import audit, layout_problems, shot
from tests.imports import files as F


def test_import_wizard_on_a_laptop(server, browser, tmp_path):
    ws, organiser = server.new_workshop(name="Atelier import")
    content, name, _ = F.registration_xlsx()
    path = tmp_path / name
    path.write_bytes(content)
    page = new_page(browser, 1366, 768)
    page.goto(server.url(f"/w/{ws['code']}/organiser"))
    page.fill("#password", "motdepasse")
    page.click("button[type=submit]")
    page.click("#tab-imports")  # the organiser page's "imports" section links to the wizard
    page.wait_for_selector("#import-link")
    page.click("#import-link")
    page.wait_for_selector("#import-form")
    assert page.is_visible("#template-organisations") and page.is_visible("#template-sheets")
    assert layout_problems(page) == []
    shot(page, "import-1-upload-1366")

    page.set_input_files("#import-file", str(path))
    page.click("#import-send")
    page.wait_for_selector("#columns-table")
    # Every column of the file, with what it becomes; the one not recognised is flagged.
    headers = page.locator("#columns-table tbody th").all_text_contents()
    assert headers[:7] == ["Nom / Raison sociale", "Type de structure", "Ville / Commune", "CP", "Contact › Nom",
                           "Contact › Téléphone", "Contact › Courriel"]
    row = page.locator("#columns-table tr[data-key='remarque']")
    assert "non reconnue" in row.locator("td.col-status").text_content()
    assert layout_problems(page, min_target=40) == []
    assert audit(page) == []
    shot(page, "import-2-columns-1366")
    row.locator("select").select_option("zone")  # map a column
    page.click("#import-next")

    page.wait_for_selector("#values-table")
    values = page.locator("#values-table tbody th").all_text_contents()
    assert "« Start-up »" in values and "« Exploitation agricole »" in values
    start = page.locator("#values-table tr[data-key='startup']")
    assert "Entreprise" in start.locator("td.accepted").text_content()
    assert audit(page) == []
    start.locator("select").select_option("craftsman")  # map a value
    shot(page, "import-3-values-1366")
    page.click("#import-next")

    page.wait_for_selector("#preview-table")
    assert "5 à créer" in page.text_content("#preview-summary")
    first = page.locator("#preview-table tbody tr").first
    text = first.text_content()
    assert "0299000001" in text and "Artisan" in text and "Start-up" in text and "vient à deux" in text
    # The filter buttons (script) narrow the rows.
    page.click("button[data-filter='reject']")
    assert page.locator("#preview-table tbody tr:visible").count() == 0
    page.click("button[data-filter='all']")
    assert page.locator("#preview-table tbody tr:visible").count() == 5
    # Nothing written yet.
    state = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()
    assert state["organisations"] == []
    assert audit(page) == []
    shot(page, "import-4-preview-1366", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    page.click("#confirm-import")

    page.wait_for_selector("#import-done")
    assert "5 structure(s)" in page.text_content("#import-done")
    shot(page, "import-5-done-1366")
    orgs = {o["name"]: o for o in organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["organisations"]}
    assert orgs["Scierie Dupré"]["kind"] == "craftsman" and orgs["Scierie Dupré"]["kind_label"] == "Start-up"
    assert orgs["Scierie Dupré"]["zone"] == "vient à deux"
    assert page.errors == []
    # The blank template downloads from the page.
    with page.expect_download() as dl:
        page.goto(server.url(f"/w/{ws['code']}/organiser/import"))
        page.click("#template-sheets")
    assert dl.value.suggested_filename == "modele-import-fiches.xlsx"
    assert requests.get(server.url(f"/w/{ws['code']}/organiser/import-template/sheets.xlsx")).status_code in (401, 403)
