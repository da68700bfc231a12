"""Files made the way real users make them, with the records they must give.

Each builder returns ``(content, filename, expected)``: ``expected`` lists, per
record, the value every field must have once imported (read back through the
JSON export), including the original text of values outside the fixed lists.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

# -- the coordinator's registration list (a form tool's export re-worked in Excel) -----------------

ORGS = [
    {"name": "Scierie Dupré", "kind": "company", "kind_label": "Start-up", "commune": "Vitré", "postcode": "35500",
     "contact_name": "Léa Martin", "phone": "0299000001", "email": "lea@scierie-dupre.fr", "consent": 1,
     "table_no": 3},
    {"name": "GAEC des Prés Verts", "kind": "company", "kind_label": "Exploitation agricole", "commune": "Janzé",
     "postcode": "35150", "contact_name": "Paul Roux", "phone": "06 12 34 56 78", "email": "paul@presverts.fr",
     "consent": 0, "table_no": 1},
    {"name": "Tri Ouest Insertion", "kind": "ess", "kind_label": "Structure d'insertion (SIAE)",
     "commune": "Rennes", "postcode": "35000", "contact_name": "Zoé Kerval", "phone": "+33 6 00 00 00 02",
     "email": "zoe@triouest.org", "consent": 1, "table_no": 2},
    {"name": "Mairie de Fougères", "kind": "authority", "kind_label": None, "commune": "Fougères",
     "postcode": "35300", "contact_name": None, "phone": None, "email": "dechets@fougeres.fr", "consent": 0,
     "table_no": 2},
    {"name": "Résidence Les Tilleuls", "kind": "ess", "kind_label": "Établissement médico-social",
     "commune": "Vitré", "postcode": "01000", "contact_name": "Marc Petit", "phone": "0299112233",
     "email": None, "consent": 1, "table_no": None},
]
# what the wizard proposes for each type outside the list (and the tests accept)
ORG_VALUES = {("kind", "Start-up"), ("kind", "Exploitation agricole"), ("kind", "Structure d'insertion (SIAE)"),
              ("kind", "Établissement médico-social")}


def registration_xlsx():
    """A notes tab first; then a title row, an empty row, a two-row header with "Contact" merged over
    Nom / Téléphone / Courriel and vertically merged single headers; phones typed as numbers; a
    mailto: address; a 4-digit postcode typed as a number."""
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Consignes"
    notes["A1"] = "Merci de compléter l'onglet Inscriptions avant le 10 mars."
    sh = wb.create_sheet("Inscriptions")
    sh["A1"] = "Atelier synergies — inscriptions au 12 mars"
    sh.merge_cells("A1:J1")
    heads = ["Nom / Raison sociale", "Type de structure", "Ville / Commune", "CP", "Contact", None, None,
             "Accord pour partager les coordonnées", "N° de table", "Remarque"]
    for i, h in enumerate(heads, 1):
        sh.cell(row=3, column=i, value=h)
    for i, h in ((5, "Nom"), (6, "Téléphone"), (7, "Courriel")):
        sh.cell(row=4, column=i, value=h)
    sh.merge_cells("E3:G3")
    for col in "ABCDHIJ":
        sh.merge_cells(f"{col}3:{col}4")
    kinds = ["Start-up", "Exploitation agricole", "Structure d'insertion (SIAE)", "Collectivité",
             "Établissement médico-social"]
    phones = [299000001, "06 12 34 56 78", "+33 6 00 00 00 02", None, 299112233]
    emails = ["mailto:lea@scierie-dupre.fr", "paul@presverts.fr", "zoe@triouest.org", "dechets@fougeres.fr", None]
    postcodes = [35500, "35150", 35000, 35300, 1000]
    consent = ["Oui", "non", "oui", "Non", "OUI"]
    for r, (o, k, ph, em, pc, ok) in enumerate(zip(ORGS, kinds, phones, emails, postcodes, consent), 5):
        for c, v in enumerate([o["name"], k, o["commune"], pc, o["contact_name"], ph, em, ok, o["table_no"],
                               "vient à deux" if r == 5 else None], 1):
            sh.cell(row=r, column=c, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), "inscriptions.xlsx", ORGS


# -- the paper sheets typed by a volunteer ----------------------------------------------------------

SHEETS = [
    {"org": "Scierie Dupré", "paper_no": "12", "kind": "offer", "category": "waste", "subcategory": "wood",
     "title": "Sciure et copeaux", "description": "Sciure sèche\nen big bags", "quantity": 1200.5, "unit": "t",
     "unit_label": None, "frequency": "yearly", "frequency_label": None, "available_from": "2027-02-01",
     "available_until": "2027-06-30", "condition": None, "terms": "free", "terms_label": None},
    {"org": "Scierie Dupré", "paper_no": "13", "kind": "offer", "category": "equipment", "subcategory": None,
     "title": "Nacelle 12 m", "description": None, "quantity": 3.0, "unit": None, "unit_label": "jours",
     "frequency": "one_off", "frequency_label": None, "available_from": "2027-03-15", "available_until": None,
     "condition": "used", "terms": None, "terms_label": "à voir"},
    {"org": "Tri Ouest Insertion", "paper_no": "14", "kind": "offer", "category": "skills", "subcategory": None,
     "title": "Animation d'ateliers réparation", "description": None, "quantity": 4.0, "unit": None,
     "unit_label": "soirées", "frequency": None, "frequency_label": "en continu", "available_from": None,
     "available_until": None, "condition": None, "terms": "to_discuss", "terms_label": None},
    {"org": "Mairie de Fougères", "paper_no": None, "kind": "need", "category": "packaging", "subcategory": "pallets",
     "title": "Palettes pour le marché", "description": "Pour les exposants, \"Europe\" ou pas", "quantity": 1500.0,
     "unit": "pallets", "unit_label": None, "frequency": "monthly", "frequency_label": None,
     "available_from": None, "available_until": "2027-12-31", "condition": None, "terms": "free",
     "terms_label": None},
]
SHEET_VALUES = {("unit", "jours"), ("unit", "soirées"), ("frequency", "en continu"), ("terms", "à voir")}
SHEET_HEADERS = ["N° fiche", "Structure", "Offre / besoin", "Catégorie", "Sous-catégorie", "Ressource", "Précisions",
                 "Quantité estimée", "Unité", "Fréquence", "Disponible le", "Jusqu'au", "État", "Conditions"]
UNIT_TEXT = {"t": "tonnes", "pallets": "palettes", None: None}
FREQ_TEXT = {"yearly": "annuel", "one_off": "ponctuel", "monthly": "Mensuel", None: None}
TERMS_TEXT = {"free": "gratuit", "to_discuss": "À discuter", None: None}
SUB_TEXT = {"wood": "Bois", "pallets": "Palettes", None: None}
CAT_TEXT = {"waste": "Déchets", "equipment": "Équipements", "skills": "Compétences", "packaging": "Emballages"}


def _sheet_cells(s, *, dates_as):
    unit = UNIT_TEXT.get(s["unit"]) or s["unit_label"]
    freq = FREQ_TEXT.get(s["frequency"]) or s["frequency_label"]
    terms = TERMS_TEXT.get(s["terms"]) or s["terms_label"]

    def d(iso):
        if iso is None:
            return None
        y, m, dd = (int(x) for x in iso.split("-"))
        return datetime(y, m, dd) if dates_as == "excel" else f"{dd:02d}/{m:02d}/{y}"

    return [s["paper_no"], s["org"], "Je propose" if s["kind"] == "offer" else "besoin", CAT_TEXT[s["category"]],
            SUB_TEXT[s["subcategory"]], s["title"], s["description"], s["quantity"], unit, freq,
            d(s["available_from"]), d(s["available_until"]), "occasion" if s["condition"] == "used" else None, terms]


def sheets_xlsx():
    """A title row, the data on the first tab and a summary tab after it; Excel dates in one column and
    text dates in the other; numbers as numbers."""
    import openpyxl

    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = "Fiches"
    sh.append(["Fiches papier saisies par Paul — atelier du 12 mars"])
    sh.append(SHEET_HEADERS)
    for s in SHEETS:
        cells = _sheet_cells(s, dates_as="excel")
        cells[11] = _sheet_cells(s, dates_as="text")[11]  # "Jusqu'au" typed as text
        sh.append(cells)
    for row in sh.iter_rows(min_row=3, min_col=11, max_col=11):
        for c in row:
            c.number_format = "DD/MM/YYYY"
    tot = wb.create_sheet("Totaux")
    tot.append(["Offres", 3])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), "fiches.xlsx", SHEETS


def _fr_number(v, sep):
    whole, _, frac = f"{v:.2f}".rstrip("0").rstrip(".").partition(".")
    grouped = ""
    while len(whole) > 3:
        grouped = sep + whole[-3:] + grouped
        whole = whole[:-3]
    return whole + grouped + ("," + frac if frac else "")


def _csv(rows, delimiter):
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


def sheets_csv_cp1252():
    """French Excel's "CSV (séparateur : point-virgule)": Windows-1252, ';', CRLF, decimal commas,
    U+00A0 as thousands separator, text dates, a line break inside a quoted cell."""
    rows = [SHEET_HEADERS]
    for s in SHEETS:
        cells = _sheet_cells(s, dates_as="text")
        cells[7] = _fr_number(s["quantity"], "\u00a0")
        rows.append(cells)
    return _csv(rows, ";").encode("cp1252"), "fiches.csv", SHEETS


def sheets_csv_utf8_bom():
    """UTF-8 with BOM, ',' separator (so decimal commas are quoted), U+202F thousands separators."""
    rows = [SHEET_HEADERS]
    for s in SHEETS:
        cells = _sheet_cells(s, dates_as="text")
        cells[7] = _fr_number(s["quantity"], "\u202f")
        rows.append(cells)
    return ("\ufeff" + _csv(rows, ",")).encode("utf-8"), "fiches-utf8.csv", SHEETS


def registration_csv_utf8():
    """A form tool's export: UTF-8 with BOM, ',' separator, phones as text, one-row header."""
    rows = [["Horodateur", "Nom de la structure", "Type d'organisation", "Ville", "Code postal",
             "Contact (nom, prénom)", "Téléphone", "Adresse e-mail", "J'accepte que mes coordonnées soient partagées",
             "N° de table"]]
    kinds = ["Start-up", "Exploitation agricole", "Structure d'insertion (SIAE)", "collectivité",
             "Établissement médico-social"]
    for o, k in zip(ORGS, kinds):
        rows.append(["2026/02/01 10:00:00", o["name"], k, o["commune"], o["postcode"], o["contact_name"], o["phone"],
                     o["email"], "Oui" if o["consent"] else "Non", o["table_no"]])
    return ("\ufeff" + _csv(rows, ",")).encode("utf-8"), "inscriptions-formulaire.csv", ORGS


# -- ODS, as LibreOffice writes it (a minimal but valid package) ------------------------------------

def _ods_cell(v):
    if v is None:
        return "<table:table-cell/>"
    if isinstance(v, bool):
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(v).lower()}"/>'
    if isinstance(v, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
                f'</table:table-cell>')
    if isinstance(v, (date, datetime)):
        iso = v.strftime("%Y-%m-%d")
        return (f'<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{iso}</text:p>'
                f'</table:table-cell>')
    paras = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(v).split("\n"))
    return f'<table:table-cell office:value-type="string">{paras}</table:table-cell>'


def ods(tabs: dict) -> bytes:
    body = []
    for name, rows in tabs.items():
        body.append(f'<table:table table:name="{escape(name)}">')
        for r in rows:
            body.append("<table:table-row>" + "".join(_ods_cell(v) for v in r) + "</table:table-row>")
        body.append("</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet>' + "".join(body) + '</office:spreadsheet></office:body>'
        '</office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def sheets_ods():
    """LibreOffice Calc: a title row, numbers as floats, dates as dates, a line break as two paragraphs."""
    rows = [["Fiches ressources"], [], SHEET_HEADERS]
    for s in SHEETS:
        cells = _sheet_cells(s, dates_as="excel")
        rows.append(cells)
    return ods({"Fiches": rows}), "fiches.ods", SHEETS


def registration_ods():
    rows = [["Nom", "Type", "Commune", "Code postal", "Contact", "Téléphone", "Courriel", "Consentement", "Table"]]
    kinds = ["Start-up", "Exploitation agricole", "Structure d'insertion (SIAE)", "Collectivité",
             "Établissement médico-social"]
    phones = [299000001, "06 12 34 56 78", "+33 6 00 00 00 02", None, 299112233]
    for o, k, ph in zip(ORGS, kinds, phones):
        rows.append([o["name"], k, o["commune"], o["postcode"], o["contact_name"], ph, o["email"],
                     "oui" if o["consent"] else "non", o["table_no"]])
    return ods({"Feuille1": rows}), "inscriptions.ods", ORGS


# -- the older Excel format (XLS, Excel 97–2003), as still sent by some form tools ------------------

def registration_xls():
    """XLS: a title row, "Contact" merged over Nom / Téléphone / Courriel, phones as numbers, dates."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    sh = wb.add_sheet("Inscriptions")
    sh.write_merge(0, 0, 0, 8, "Inscriptions — atelier du 12 mars")
    for c, h in enumerate(["Nom / Raison sociale", "Type", "Ville / Commune", "Code postal"]):
        sh.write_merge(2, 3, c, c, h)
    sh.write_merge(2, 2, 4, 6, "Contact")
    for c, h in ((4, "Nom"), (5, "Téléphone"), (6, "Courriel")):
        sh.write(3, c, h)
    sh.write_merge(2, 3, 7, 7, "Consentement")
    sh.write_merge(2, 3, 8, 8, "Table")
    kinds = ["Start-up", "Exploitation agricole", "Structure d'insertion (SIAE)", "Collectivité",
             "Établissement médico-social"]
    phones = [299000001, "06 12 34 56 78", "+33 6 00 00 00 02", None, 299112233]
    postcodes = [35500, 35150, 35000, 35300, 1000]
    emails = ["mailto:lea@scierie-dupre.fr", "paul@presverts.fr", "zoe@triouest.org", "dechets@fougeres.fr", None]
    for r, (o, k, ph, pc, em) in enumerate(zip(ORGS, kinds, phones, postcodes, emails), 4):
        for c, v in enumerate([o["name"], k, o["commune"], pc, o["contact_name"], ph, em,
                               "oui" if o["consent"] else "non", o["table_no"]]):
            if v is not None:
                sh.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), "inscriptions.xls", ORGS


def sheets_xls():
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    sh = wb.add_sheet("Fiches")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, h in enumerate(SHEET_HEADERS):
        sh.write(0, c, h)
    for r, s in enumerate(SHEETS, 1):
        for c, v in enumerate(_sheet_cells(s, dates_as="excel")):
            if v is None:
                continue
            if isinstance(v, datetime):
                sh.write(r, c, v, date_style)
            else:
                sh.write(r, c, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), "fiches.xls", SHEETS
