"""The follow-up settings page in chromium at 1366×768 with the demo workshop: time zone, weekly
reminders, facilitators' e-mails, the SMTP server and the emission factors, each form refusing bad input
with a French message next to the field and changing nothing, then saving; "send now" against a real
SMTP server on 127.0.0.1 (aiosmtpd)."""
from __future__ import annotations

import os
import re

import pytest

from tests.browser.conftest import new_page
from tests.browser.test_followup import api, demo  # noqa: F401 - the demo workshop in follow-up (a fixture)
from tests.browser.helpers import audit, layout_problems, shot
from tests.followup.conftest import smtp_server

pytestmark = pytest.mark.timeout(400)


@pytest.fixture(scope="module")
def smtp():
    with smtp_server() as found:
        yield found


def untranslated(page) -> list[str]:
    return re.findall(r"\b(?:fset|fu|followup|family|err)\.[a-z_0-9]+\b", page.inner_text("body"))


def submit(page, button):
    with page.expect_navigation():
        page.click(button)


def test_settings_forms_validate_save_and_send(browser, demo, smtp):
    srv, info = demo
    s = info["session"]
    ctl, inbox = smtp
    state = lambda: s.get(api(srv, info, "/state")).json()  # noqa: E731
    board = lambda: s.get(api(srv, info, "/followup")).json()  # noqa: E731
    page = new_page(browser, 1366, 768)
    try:
        page.goto(info["organiser_url"])
        page.fill("#password", info["organiser_password"])
        submit(page, "form button[type=submit]")
        page.goto(srv.url(f"/w/{info['code']}/followup"))
        page.wait_for_selector("body[data-ready='1']")
        submit(page, "#fu-settings")
        assert page.inner_text("h1") == "Réglages du suivi"
        assert layout_problems(page) == [] and untranslated(page) == [] and audit(page) == []
        assert "Aucun serveur d’envoi (SMTP)" in page.inner_text("#smtp-off")
        assert page.inner_text("#sched-next") == "rappels désactivés"  # off by default
        shot(page, "followup-settings-1366x768", full_page=True)

        # time zone: an unknown zone is refused, nothing changes; a real one is saved
        page.fill("#timezone", "Lune/Base")
        submit(page, "#zone-save")
        assert "Fuseau horaire inconnu" in page.inner_text("#err-timezone")
        assert page.input_value("#timezone") == "Lune/Base" and board()["timezone"] == "Europe/Paris"
        shot(page, "followup-settings-error-1366x768", full_page=False)
        page.fill("#timezone", "America/Cayenne")
        submit(page, "#zone-save")
        assert page.inner_text("#fset-notice") == "Fuseau horaire enregistré."
        assert board()["timezone"] == "America/Cayenne"
        page.fill("#timezone", "Europe/Paris")
        submit(page, "#zone-save")

        # weekly reminders: on without a day is refused; Monday 09:00 is saved
        page.check("#remind_on")
        submit(page, "#schedule-save")
        assert "Choisissez le jour" in page.inner_text("#err-remind_day")
        assert not state()["workshop"]["remind_on"]
        page.check("#remind_on")
        page.select_option("#remind_day", "0")
        page.select_option("#remind_hour", "9")
        submit(page, "#schedule-save")
        w = state()["workshop"]
        assert (w["remind_on"], w["remind_day"], w["remind_hour"]) == (1, 0, 9)
        assert page.inner_text("#sched-next") == "aucun : le serveur d’envoi n’est pas configuré"
        submit(page, "#send-now")  # without SMTP: nothing is sent, and the page says so
        assert "aucun e-mail n’a été envoyé" in page.inner_text("#fset-notice") and inbox.messages == []

        # SMTP: a bad host is refused (no file written); a good one is saved, owner-only
        page.fill("#host", "serveur mail!")
        page.fill("#sender", "suivi@ptce.example")
        submit(page, "#smtp-save")
        assert "Nom de serveur invalide" in page.inner_text("#err-host")
        assert not (srv.data_dir / "smtp.json").exists()
        page.fill("#host", "127.0.0.1")
        page.fill("#port", str(ctl.port))
        page.fill("#sender", "suivi@ptce.example")
        submit(page, "#smtp-save")
        assert page.inner_text("#fset-notice") == "Serveur d’envoi enregistré."
        assert oct(os.stat(srv.data_dir / "smtp.json").st_mode & 0o777) == "0o600"
        assert page.locator("#smtp-off").count() == 0
        assert page.inner_text("#sched-next").startswith("lundi ") and page.inner_text("#sched-next").endswith("09:00")

        # facilitators' e-mails: one bad address and nothing is saved; then all are
        facs = [f for f in state()["facilitators"] if not f.get("revoked")]
        first, second = facs[0], facs[1]
        page.fill(f"#email-{first['id']}", "pas-une-adresse")
        page.fill(f"#email-{second['id']}", "second@ptce.example")
        submit(page, "#emails-save")
        assert "adresse" in page.inner_text(f"#err-email-{first['id']}").lower()
        emails = {f["id"]: f.get("email") for f in state()["facilitators"]}
        assert emails[first["id"]] is None and emails[second["id"]] is None
        page.fill(f"#email-{first['id']}", "premiere@ptce.example")
        submit(page, "#emails-save")
        emails = {f["id"]: f.get("email") for f in state()["facilitators"]}
        assert (emails[first["id"]], emails[second["id"]]) == ("premiere@ptce.example", "second@ptce.example")

        # send now: the facilitators with an address and something due get their e-mail
        due = {i["facilitator_id"] for i in board()["ideas"] if i["due_state"] in ("overdue", "week")}
        expected = sorted(e for fid, e in emails.items() if e and fid in due)
        submit(page, "#send-now")
        assert re.match(r"^\d+ e-mail\(s\) envoyé\(s\)", page.inner_text("#fset-notice"))
        assert sorted(r for _, rcpts, _ in inbox.messages for r in rcpts) == expected

        # emission factors: a negative value is refused, nothing changes; a French decimal is saved
        wood = lambda: next(f for f in board()["factors"] if f["key"] == "wood")  # noqa: E731
        before = wood()
        row = page.locator("#factors tr[data-key='wood']")
        row.locator("input[name=kg_co2e]").fill("-3")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        row = page.locator("#factors tr[data-key='wood']")
        assert "0" in row.locator(".field-error").inner_text() and wood() == before
        row.locator("input[name=kg_co2e]").fill("320,5")
        row.locator("input[name=source]").fill("ADEME Base Empreinte (vérifié par le PTCE)")
        row.locator("input[name=year]").fill("2025")
        with page.expect_navigation():
            row.locator("button[type=submit]").click()
        after = wood()
        assert (after["kg_co2e"], after["source"], after["year"]) == (320.5, "ADEME Base Empreinte (vérifié par le PTCE)", 2025)
        # a new factor: a bad key is refused, then added
        page.click("#factor-add summary")
        page.fill("#nf-key", "Bois Local")
        page.fill("#nf-label", "Bois local du bocage")
        page.fill("#nf-kg", "250")
        page.fill("#nf-source", "Étude PTCE 2026")
        page.fill("#nf-year", "2026")
        submit(page, "#factor-add-save")
        assert "minuscules" in page.inner_text("#factor-add").lower()
        assert all(f["key"] != "bois_local" for f in board()["factors"])
        page.fill("#nf-key", "bois_local")
        submit(page, "#factor-add-save")
        assert page.locator("#factors tr[data-key='bois_local']").count() == 1
        assert layout_problems(page) == [] and untranslated(page) == []
        shot(page, "followup-settings-saved-1366x768", full_page=True)
        assert [e for e in page.errors if "422" not in e] == []
    finally:
        page.context.close()
        s.patch(api(srv, info, "/followup/settings"), json={"remind_on": False}).raise_for_status()
