"""The blank import template: one tab with the expected columns (the headers
our own exports use, so it imports with no mapping step), one tab listing the
accepted values of every fixed list, one tab with how to fill it in."""
from __future__ import annotations

import io

from ..exports import data as D
from . import spec

COLUMNS = {
    "organisations": ["name", "kind", "sector", "commune", "postcode", "zone", "contact_name", "email", "phone",
                      "consent", "presence", "table_no"],
    "sheets": ["organisation", "kind", "paper_no", "category", "subcategory", "title", "description", "quantity",
               "unit", "frequency", "available_from", "available_until", "condition", "waste_code", "logistics",
               "terms", "visibility", "anonymous"],
}
# the header our exports write for a field (app/exports/tables.py)
EXPORT_KEY = {kind: {field: h for h, field in m.items()} for kind, m in spec.EXPORT_HEADERS.items()}


def header(kind: str, field: str, lang: str) -> str:
    return D.t(f"exp.h.{EXPORT_KEY[kind][field]}", lang)


def xlsx(kind: str, lang: str = "fr") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = D.norm_lang(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = D.t(f"imp.tpl.tab.{kind}", lang)
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1B6E53")
    cols = COLUMNS[kind]
    for i, f in enumerate(cols, 1):
        c = ws.cell(row=1, column=i, value=header(kind, f, lang))
        c.font, c.fill = bold, fill
        ws.column_dimensions[get_column_letter(i)].width = 34 if f in ("title", "description", "name") else 18
        if spec.FIELDS[kind][f][0] in ("phone", "postcode", "code", "text", "org"):
            for r in range(2, 502):  # typed as text: a phone keeps its leading 0
                ws.cell(row=r, column=i).number_format = "@"
    ws.freeze_panes = "A2"
    lists = wb.create_sheet(D.t("imp.tpl.tab.values", lang))
    groups = [(f, spec.FIELDS[kind][f][1]) for f in cols if spec.FIELDS[kind][f][1] not in (None, "organisation")]
    for j, (f, group) in enumerate(groups, 1):
        h = lists.cell(row=1, column=j, value=header(kind, f, lang))
        h.font, h.fill = bold, fill
        lists.column_dimensions[get_column_letter(j)].width = 30
        for i, code in enumerate(spec.CODES[group], 2):
            lists.cell(row=i, column=j, value=spec.value_label(group, code, lang))
        col = get_column_letter(cols.index(f) + 1)
        ref = f"'{lists.title}'!${get_column_letter(j)}$2:${get_column_letter(j)}${len(spec.CODES[group]) + 1}"
        dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=False)
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}500")
    help_ = wb.create_sheet(D.t("imp.tpl.tab.help", lang))
    help_.column_dimensions["A"].width = 110
    for i, line in enumerate(D.t(f"imp.tpl.help.{kind}", lang).split("\n"), 1):
        help_.cell(row=i, column=1, value=line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filename(kind: str, lang: str) -> str:
    return D.t(f"imp.tpl.file.{kind}", lang)


