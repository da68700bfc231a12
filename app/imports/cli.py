"""``python run.py import``: the wizard's steps printed as a report.

    python run.py import <workshop> (--organisations FILE | --sheets FILE) [--tab NAME]
                         [--column "HEADER=field"]… [--value "field:VALUE=code"]… [--accept]
                         [--skip-rejected] [--dry-run] [--json] [--data-dir D] [--lang fr|en]

Without ``--accept`` nothing is written while a column or a value still needs a
decision; ``--accept`` takes every proposed mapping (unrecognised columns stay
ignored). Rows refused for a reason block the write unless ``--skip-rejected``.
Exit status: 0 written (or a dry run that could be written), 1 blocked, 2 file or workshop error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..exports import data as D
from . import spec


def add_command(subparsers, data_dir: str) -> None:
    i = subparsers.add_parser(
        "import", help="import organisations or sheets from XLSX, XLS, ODS or CSV",
        description="Import the registered organisations, or sheets typed from paper, from an XLSX, XLS, ODS or "
                    "CSV file (any common encoding and separator; French or English headers, title rows and "
                    "two-row headers allowed). Prints every column with what it becomes, every value outside "
                    "the fixed lists with its proposed mapping, and every row as it will be stored. Importing "
                    "the same file again creates nothing: changed rows update their record.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    i.add_argument("workshop", help="workshop id or join code")
    what = i.add_mutually_exclusive_group(required=True)
    what.add_argument("--organisations", metavar="FILE", help="a file of organisations (nom, type, commune, contact…)")
    what.add_argument("--sheets", metavar="FILE",
                      help="a file of sheets (structure, offre/besoin, catégorie, titre, quantité, unité…)")
    i.add_argument("--tab", default=None, help="spreadsheet tab to read (default: the first tab with data)")
    i.add_argument("--column", action="append", default=[], metavar="HEADER=FIELD",
                   help="map a column (its header or letter) to a field, or to nothing with 'HEADER='")
    i.add_argument("--value", action="append", default=[], metavar="FIELD:VALUE=CODE",
                   help="map a value, e.g. 'unit:soirées=other' or 'kind:Start-up=company' "
                        "(other = keep the text; reject = refuse the rows)")
    i.add_argument("--accept", action="store_true", help="take every proposed mapping without asking")
    i.add_argument("--skip-rejected", action="store_true", help="import the other rows when some are refused")
    i.add_argument("--dry-run", action="store_true", help="only show what would be imported")
    i.add_argument("--data-dir", default=data_dir, help="folder of workshop files")
    i.add_argument("--lang", default="fr", choices=["fr", "en"], help="language of the report")
    i.add_argument("--json", action="store_true", help="print the plan as one JSON object")
    i.set_defaults(func=run_import)


def _err(msg) -> None:
    print(msg, file=sys.stderr)


def _column_choices(args, plan_columns) -> dict:
    out = {}
    for item in args.column:
        head, _, field = item.partition("=")
        head = head.strip()
        for c in plan_columns:
            if head.upper() == c["letter"] or spec.key(head) == spec.key(c["header"]) or head == c["key"]:
                out[c["key"]] = field.strip()
    return out


CODES_ALIASES = {"other": spec.OTHER, "autre": spec.OTHER, "reject": spec.REJECT, "refuser": spec.REJECT,
                 "create": spec.CREATE, "creer": spec.CREATE}


def _value_choices(args) -> dict:
    out: dict = {}
    for item in args.value:
        left, _, code = item.rpartition("=")
        field, _, raw = left.partition(":")
        code = code.strip()
        out.setdefault(field.strip(), {})[spec.key(raw)] = CODES_ALIASES.get(spec.key(code), code)
    return out


def report(plan, lang) -> str:
    t = lambda k, **p: D.t(k, lang, **p)  # noqa: E731
    out = [t("imp.cli.file", name=plan["filename"], format=plan["file"]["format"].upper(), tab=plan["file"]["tab"],
             lines=", ".join(str(n) for n in plan["header_lines"]))]
    out.append(t("imp.cli.columns"))
    for c in plan["columns"]:
        status = t(f"imp.status.{c['status']}", col=c.get("duplicate_of") or "")
        target = plan["field_labels"].get(c["field"]) if c["field"] else "—"
        out.append(f"  {c['letter']:>2}  {c['header'] or '(' + t('imp.cli.ignored') + ')'} → {target} ({status})")
    if plan["values"]:
        out.append(t("imp.cli.values"))
        for v in plan["values"]:
            acc = f"  [{t('imp.cli.accepted')} : {v['accepted']}]" if v["accepted"] else ""
            out.append(f"  {v['field_label']} « {v['raw']} » ×{v['count']} → {v['choice_label']}{acc}")
    if plan.get("new_orgs"):
        out.append(t("imp.cli.new_orgs") + " : " + ", ".join(o["name"] for o in plan["new_orgs"]))
    out.append(t("imp.cli.rows"))
    sign = {"create": "+", "update": "~", "skip": "=", "reject": "!"}
    for r in plan["rows"]:
        if r["action"] == "reject":
            out.append(f"  ! {r['line']}: " + "; ".join(r["errors"]))
            continue
        vals = ", ".join(f"{plan['field_labels'].get(k, k)}={_show(v)}" for k, v in r["values"].items()
                         if k not in ("organisation_id", "organisation_new"))
        line = f"  {sign[r['action']]} {r['line']}: {vals}"
        if r.get("changes"):
            line += "  [" + "; ".join(f"{plan['field_labels'].get(k, k)}: {_show(a)} → {_show(b)}"
                                      for k, (a, b) in r["changes"].items()) + "]"
        out.append(line)
        for n in r["notes"]:
            out.append(f"      ({n})")
    out.append(plan["message"])
    return "\n".join(out)


def _show(v) -> str:
    if v is None:
        return "∅"
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).replace("\n", "⏎")


def run_import(args) -> int:
    from ..registry import Registry
    from . import PlanError, analyse, apply, ready

    reg = Registry(args.data_dir)
    try:
        ws = reg.get(args.workshop) or reg.by_code(args.workshop)
        if ws is None:
            _err(f"workshop not found: {args.workshop} (in {args.data_dir})")
            return 2
        file = args.organisations or args.sheets
        kind = "organisations" if args.organisations else "sheets"
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            _err(f"{file}: {exc.strerror}")
            return 2
        try:
            plan = analyse(ws, content, Path(file).name, kind, tab=args.tab, lang=args.lang)
            cols, vals = _column_choices(args, plan["columns"]), _value_choices(args)
            if cols or vals:
                plan = analyse(ws, content, Path(file).name, kind, tab=args.tab, columns=cols, values=vals,
                               lang=args.lang)
        except PlanError as exc:
            _err(str(exc))
            return 2
        plan["written"] = False
        decisions = plan["undecided_columns"] + plan["undecided_values"]
        if decisions and not args.accept and not args.json and sys.stdin.isatty() and not plan["problems"]:
            print(report(plan, args.lang))
            answer = input(D.t("imp.cli.ask", args.lang, n=decisions) + " ")
            args.accept = spec.key(answer) in ("o", "oui", "y", "yes")
        status = 0
        if plan["problems"]:
            status = 1
        elif decisions and not args.accept:
            plan["message"] += "\n" + D.t("imp.blocked_decide", args.lang, n=decisions)
            status = 1
        elif plan["counts"]["reject"] and not args.skip_rejected:
            plan["message"] += "\n" + D.t("imp.blocked_rejected", args.lang, n=plan["counts"]["reject"])
            status = 1
        elif not args.dry_run:
            if plan["counts"]["create"] + plan["counts"]["update"] == 0:
                plan["message"] += "\n" + D.t("imp.nothing", args.lang)
            else:
                res = apply(ws, plan)
                plan["written"], plan["result"] = True, res
                plan["message"] += "\n" + D.t("imp.done", args.lang, orgs=res["created"]["organisation"],
                                              sheets=res["created"]["sheet"], update=res["updated"],
                                              skip=res["skipped"])
        plan["ready"] = ready(plan)
        if args.json:
            print(json.dumps(plan, ensure_ascii=False, default=str))
        else:
            print(report(plan, args.lang))
        return status
    finally:
        reg.close()
