"""Documents read back: the year's report (figures equal the database's, charts drawn, "as of" a date from
the journal, from the command line too) and the weekly relances of a facilitator (PDF and CSV)."""
from __future__ import annotations

import csv
import io
import re
import sqlite3
import subprocess
import sys
from datetime import date

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from app.exports import export
from app.followup import relances, report, report_pdf
from tests.exports.conftest import pdftotext
from tests.live import ROOT


def db_counts(path) -> dict:
    """The figures straight from the tables, independently of app.followup."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    live = "COALESCE(hidden,0)=0 AND merged_into IS NULL"
    out = {"organisations": q("SELECT COUNT(*) FROM organisations WHERE COALESCE(hidden,0)=0"),
           "represented": q("SELECT COUNT(*) FROM organisations WHERE presence='represented'"),
           "facilitators": q("SELECT COUNT(*) FROM facilitators WHERE COALESCE(revoked,0)=0"),
           "ideas": q(f"SELECT COUNT(*) FROM ideas WHERE {live}"),
           "b2b": q(f"SELECT COUNT(*) FROM ideas WHERE {live} AND b2b=1"),
           "followed": q(f"SELECT COUNT(*) FROM ideas WHERE {live} AND (b2b=1 OR followup=1)"),
           "done": q(f"SELECT COUNT(*) FROM ideas WHERE {live} AND status='done'"),
           "tonnes": q("SELECT SUM(tonnes) FROM impacts WHERE stage='actual'"),
           "co2": q("SELECT SUM(co2_t) FROM impacts WHERE stage='actual'")}
    conn.close()
    return out


def bars(pdf: bytes, color_hex: str) -> int:
    """How many rectangles are filled in ``color_hex`` on the PDF's pages: the bars of a chart."""
    want = tuple(round(int(color_hex[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))
    n = 0
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        fill = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"rg":
                fill = tuple(round(float(x), 3) for x in operands)
            elif op == b"re" and fill == want:
                n += 1
    return n


def test_report_figures_equal_the_database_and_charts_are_drawn(ws, followed):
    pdf = export(ws, "report", lang="fr").data
    text = pdftotext(pdf, raw=False)
    db = db_counts(ws.store.path)
    keyrow = lambda label: re.search(rf"{label}\s+(\d+)", text).group(1)  # noqa: E731
    assert int(keyrow("Structures")) == db["organisations"] == 4
    assert int(keyrow("représentées")) == db["represented"] == 1
    assert int(keyrow("Animateur·rices")) == db["facilitators"] == 2
    assert int(keyrow("Idées de synergies")) == db["ideas"] == 6
    assert int(keyrow("Retenues pour un BtoB")) == db["b2b"] == 4
    assert int(keyrow("idées suivies")) == db["followed"] == 4
    assert int(keyrow("Réalisée")) == db["done"] == 1
    assert re.search(r"Tonnes/an détournées ou substituées\s+0\s+30", text)
    assert db["co2"] == pytest.approx(9.0) and re.search(r"tCO2e évitées/an\s+50\s+9", text)
    # the charts: titles and bars (funnel: 8 stages, the zero ones drawn flat; impact by family)
    for title in ("Entonnoir", "Idées par statut", "Offres, besoins et idées par catégorie", "tCO2e évitées par famille"):
        assert title in text
    assert bars(pdf, "#0b5d3b") >= 6  # funnel bars (+ the offers of the category chart)
    assert bars(pdf, "#5a2d82") >= 1  # impact by family
    assert "ADEME" in text  # the factor used, with its source


def test_the_status_curve_and_the_figures_as_of_1_june(ws, followed):
    rep = report.for_workshop(ws, date(2026, 6, 1))
    assert rep["by_status"]["soon"] == 3 and rep["by_status"]["done"] == 0  # done at 00:30 on 2 June, Paris time
    assert rep["by_status"]["abandoned"] == 1 and rep["funnel"]["soon"] == 2
    assert rep["series"][0]["day"] == "2026-03-12" and rep["series"][-1]["day"] == "2026-06-01"
    april = next(p for p in rep["series"] if p["day"] == "2026-04-30")
    assert april["by_status"] == {"explore": 2, "discussion": 1, "abandoned": 1, "soon": 1, "new": 1}
    now = report.for_workshop(ws)
    assert now["by_status"]["done"] == 1


def test_report_from_the_command_line_as_of_a_date(ws, followed, tmp_path):
    out = tmp_path / "rapport.pdf"
    data_dir = str(ws.store.path).rsplit("/", 1)[0]
    ws.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    r = subprocess.run([sys.executable, "run.py", "export", ws.code, "--format", "report", "--as-of", "2026-06-01",
                        "--data-dir", data_dir, "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    text = pdftotext(out.read_bytes(), raw=False)
    assert "Chiffres au 2026-06-01" in text
    assert re.search(r"Sur le point de se concrétiser\s+3", text) and re.search(r"Réalisée\s+0", text)
    bad = subprocess.run([sys.executable, "run.py", "export", ws.code, "--format", "report", "--as-of", "1er juin",
                          "--data-dir", data_dir, "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "--as-of" in bad.stderr


def test_report_for_two_workshops_sums_them(registry, ws, followed):
    from app.services import workshops

    other = workshops.create(registry, {"name": "Atelier Layon", "password": "motdepasse"})
    from app.services import organisations

    organisations.create(other, {"role": "organiser", "id": "organiser", "label": "O", "org": None},
                         {"id": "00000000-0000-4000-8000-000000000001", "name": "Scierie"})
    both = report.for_workshops([ws, other])
    assert both["organisations"] == 5 and both["ideas"] == 6 and len(both["parts"]) == 2
    text = pdftotext(report_pdf.build(both), raw=False)
    assert "Atelier Layon" in text and re.search(r"Structures\s+5", text)


def test_relances_of_a_facilitator(ws, followed):
    bruno = followed["bruno"]["id"]
    rows, meta = relances.rows(ws, bruno)
    titles = [r["title"] for r in rows]
    # Bruno's open ideas in follow-up: the heat (overdue since 2020), the shredder (due 2099: not this week)
    assert titles == ["Chaleur fatale vers la serre"] and rows[0]["due_state"] == "overdue"
    assert rows[0]["last_contact"].startswith("2026-05-02")
    table = list(csv.reader(io.StringIO(relances.as_csv(ws, bruno).decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Échéance", "Date", "Idée"] and table[1][:3] == ["En retard", "2020-01-06", titles[0]]
    text = pdftotext(relances.as_pdf(ws, bruno), raw=False)
    assert "Relances de Bruno" in text and titles[0] in text and "Devis" in text
    anne_text = pdftotext(relances.as_pdf(ws, followed["anne"]["id"]), raw=False)
    assert "Relances d" in anne_text and "Chaleur fatale" not in anne_text
