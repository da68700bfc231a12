"""Each organisation's report prints its short code: read back from the downloaded PDF, it lets a colleague's
phone into that organisation (and only that one) without waiting for a member's approval."""
from __future__ import annotations

import io
import re
import zipfile

from tests.exports.conftest import norm, pdftotext
from tests.live import uid


def _reports(server, ws, organiser) -> dict[str, str]:
    r = organiser.get(server.url(f"/w/{ws['code']}/export/org-reports"))
    assert r.status_code == 200, r.text[:300]
    z = zipfile.ZipFile(io.BytesIO(r.content))
    return {name: norm(pdftotext(z.read(name))) for name in z.namelist()}


def test_the_report_prints_the_code_that_lets_a_colleague_in(server):
    ws, organiser = server.new_workshop(name="Atelier des codes")
    phone_a, org_a = server.participant(ws, "Menuiserie Rousseau")
    _, org_b = server.participant(ws, "Ressourcerie du Layon")
    api = server.url(f"/api/w/{ws['workshop']}")
    # the code as A's own phone shows it
    mine = next(o for o in phone_a.get(f"{api}/state").json()["organisations"] if o["id"] == org_a["id"])["join_code"]
    assert re.fullmatch(r"\d{6}", mine)

    texts = _reports(server, ws, organiser)
    report_a = next(t for n, t in texts.items() if "menuiserie-rousseau" in n)
    report_b = next(t for n, t in texts.items() if "ressourcerie" in n)
    printed = re.search(r"Code de votre structure : (\d{3}) (\d{3})", report_a)
    assert printed, report_a[:800]
    assert printed.group(1) + printed.group(2) == mine
    assert "Ne le donnez qu’à votre équipe" in report_a
    assert mine[:3] + " " + mine[3:] not in report_b  # each report carries its own code only
    assert re.search(r"Code de votre structure : \d{3} \d{3}", report_b)

    # A colleague's phone types the code read from the paper: in at once, as a member of A.
    colleague, _ = server.participant(ws)
    r = colleague.post(f"{api}/join", json={"organisation_id": org_a["id"], "code": printed.group(0)[-7:]})
    assert r.status_code == 200, r.text[:300]
    assert colleague.get(f"{api}/state").json()["me"]["org"] == org_a["id"]
    # ... and the same code does not open B.
    other, _ = server.participant(ws)
    r = other.post(f"{api}/join", json={"organisation_id": org_b["id"], "code": mine})
    assert r.status_code == 403 and r.json()["code"] == "err.bad_org_code"


def test_the_english_reports_say_it_in_english(server):
    """(The zip in English was French inside: each report was relabelled to its default language.)"""
    ws, organiser = server.new_workshop(name="Workshop codes")
    server.participant(ws, "Green Pallets Ltd")
    r = organiser.get(server.url(f"/w/{ws['code']}/export/org-reports"), params={"lang": "en"})
    z = zipfile.ZipFile(io.BytesIO(r.content))
    text = norm(pdftotext(z.read(z.namelist()[0])))
    assert re.search(r"Your organisation's code: \d{3} \d{3}", text), text[:600]
