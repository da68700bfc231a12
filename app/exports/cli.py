"""Command line for data out and in: ``export``, ``import``, ``import-json``.

    python run.py export <workshop id or code> --format pdf|org-reports|letter|posters|xlsx|csv|json
                         [--out PATH] [--data-dir D] [--base-url URL] [--lang fr|en] …
    python run.py import …  (app/imports/cli.py)
    python run.py import-json <backup.json> [--data-dir D]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import FORMATS


def _default_data() -> str:
    from ..paths import default_data_dir

    return default_data_dir()


def add_commands(subparsers) -> None:
    data_dir = _default_data()
    fmt_help = "pdf: workshop book; org-reports: zip of per-organisation PDFs; letter: resource-exchange " \
               "letter; posters: QR poster, table tents, facilitator cards; xlsx; csv: zip of tables; json: backup; " \
               "report: the year's report with charts (figures from the journal, see --as-of)"
    e = subparsers.add_parser(
        "export", help="export a workshop: PDF documents, spreadsheets, JSON backup",
        description="Export a workshop's documents or data to a file. " + fmt_help,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    e.add_argument("workshop", help="workshop id or join code (report: several, comma-separated)")
    e.add_argument("--format", "-f", required=True, choices=list(FORMATS), help="what to export")
    e.add_argument("--out", "-o", default=None,
                   help="output file (default: a name derived from the workshop, in the current folder; '-' = stdout)")
    e.add_argument("--data-dir", default=data_dir, help="folder of workshop files")
    e.add_argument("--lang", default="fr", choices=["fr", "en"], help="language of the documents")
    e.add_argument("--base-url", default=None,
                   help="address phones use, e.g. http://192.168.1.20:5000 (posters; default: this machine's "
                        "LAN address on port 5000)")
    e.add_argument("--edition", default="organiser", choices=["organiser", "public"],
                   help="pdf: the organiser's edition includes confidential sheets")
    e.add_argument("--group-by", default="organisation", choices=["organisation", "category"],
                   help="pdf: how sheets are grouped")
    e.add_argument("--size", default="A4", choices=["A4", "A3"], help="posters: size of the join poster")
    e.add_argument("--delimiter", default=";", choices=[";", ","], help="csv: field separator")
    e.add_argument("--table", default=None, choices=["organisations", "sheets", "ideas", "b2b", "events"],
                   help="csv: one table as a .csv instead of a zip of all")
    e.add_argument("--contact", default=None, help="letter: how to reach the organiser (email, phone)")
    e.add_argument("--as-of", default=None, metavar="YYYY-MM-DD",
                   help="report: the figures as they stood at the end of that day (workshop's time zone)")
    e.set_defaults(func=run_export)

    from ..imports.cli import add_command as add_import

    add_import(subparsers, data_dir)

    j = subparsers.add_parser(
        "import-json", help="restore a JSON backup into a new workshop",
        description="Restore a JSON backup (from 'export --format json') into a NEW workshop, with a new id and "
                    "join code: every record, the journal, statuses and versions as they were.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    j.add_argument("file", help="the backup .json file")
    j.add_argument("--data-dir", default=data_dir, help="folder of workshop files")
    j.add_argument("--json", action="store_true", help="print one JSON object {workshop, code}")
    j.set_defaults(func=run_import_json)


def _registry(data_dir):
    from ..registry import Registry

    return Registry(data_dir)


def _find(registry, ref):
    return registry.get(ref) or registry.by_code(ref)


def _err(msg) -> None:
    print(msg, file=sys.stderr)


def _guess_base_url() -> str:
    try:
        from ..netinfo import lan_addresses

        addrs = lan_addresses()
    except Exception:
        addrs = []
    return f"http://{addrs[0]}:5000" if addrs else "http://localhost:5000"


def run_export(args) -> int:
    from . import export

    from datetime import date

    reg = _registry(args.data_dir)
    try:
        refs = [r for r in args.workshop.split(",") if r.strip()] if args.format == "report" else [args.workshop]
        found = [_find(reg, r.strip()) for r in refs]
        if not found or None in found:
            missing = refs[found.index(None)] if None in found else args.workshop
            _err(f"workshop not found: {missing} (in {args.data_dir})")
            return 2
        ws, others = found[0], found[1:]
        as_of = None
        if args.as_of:
            try:
                as_of = date.fromisoformat(args.as_of)
            except ValueError:
                _err(f"--as-of: not a date (YYYY-MM-DD): {args.as_of}")
                return 2
        base_url = args.base_url
        if args.format == "posters" and not base_url:
            base_url = _guess_base_url()
            _err(f"--base-url not given: QR codes point to {base_url}")

        def progress(done, total):
            if sys.stderr.isatty():
                print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

        try:
            out = export(ws, args.format, lang=args.lang, base_url=base_url, edition=args.edition,
                         group_by=args.group_by, size=args.size, delimiter=args.delimiter, table=args.table,
                         contact=args.contact, progress=progress, as_of=as_of, others=others)
        except ValueError as exc:
            _err(str(exc))
            return 2
        if args.out == "-":
            sys.stdout.buffer.write(out.data)
            sys.stdout.buffer.flush()
            return 0
        path = Path(args.out or out.filename)
        if path.is_dir() or (args.out or "").endswith(("/", "\\")):
            path = path / out.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(out.data)
        print(f"{path} ({len(out.data):,} bytes, {out.content_type})")
        return 0
    finally:
        reg.close()


def run_import_json(args) -> int:
    from .backup_json import BackupError, restore

    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        _err(f"{args.file}: {exc.strerror}")
        return 2
    reg = _registry(args.data_dir)
    try:
        try:
            ws = restore(reg, content)
        except BackupError as exc:
            _err(f"{args.file}: {exc}")
            return 2
        info = ws.info()
        if args.json:
            print(json.dumps({"workshop": ws.id, "code": ws.code, "name": info.get("name")}, ensure_ascii=False))
        else:
            print(f"restored « {info.get('name')} » as workshop {ws.id}, code {ws.code}")
        return 0
    finally:
        reg.close()
