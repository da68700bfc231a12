"""Everything out the moment it ends: documents and data of a workshop.

One entry point for the web layer and the command line::

    out = export(ws, "pdf", lang="fr", edition="public")
    out.data, out.content_type, out.filename

Formats (``FORMATS``): ``pdf`` (the workshop book), ``org-reports`` (zip of
per-organisation PDFs), ``letter`` (resource-exchange letter), ``posters``
(join poster + table tents + facilitator cards; needs ``base_url``), ``xlsx``,
``csv`` (zip of CSV files, or one table with ``table=``), ``json`` (backup), ``report`` (the year's
report of app/followup, ``as_of=`` a date, ``others=`` more workshops).
The modules can also be used directly: see each one's docstring.

:func:`export_in_worker` builds the same in a worker process from a snapshot
of the file at one ``seq`` (the server's loop never waits for a document);
the web layer uses it.
"""
from __future__ import annotations

from dataclasses import dataclass

FORMATS = {
    # name: (extension, content type, French file suffix, English file suffix)
    "pdf": ("pdf", "application/pdf", "livret", "book"),
    "org-reports": ("zip", "application/zip", "bilans-structures", "organisation-reports"),
    "letter": ("pdf", "application/pdf", "lettre-ressources", "resource-letter"),
    "posters": ("pdf", "application/pdf", "affiches-qr", "qr-posters"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "donnees", "data"),
    "csv": ("zip", "application/zip", "donnees-csv", "data-csv"),
    "json": ("json", "application/json", "sauvegarde", "backup"),
    "b2b-grid": ("pdf", "application/pdf", "grille-rendez-vous", "meeting-grid"),
    "b2b-tents": ("pdf", "application/pdf", "chevalets-rendez-vous", "meeting-tents"),
    "b2b-agendas": ("zip", "application/zip", "agendas-rendez-vous", "meeting-agendas"),
    "report": ("pdf", "application/pdf", "rapport-annuel", "annual-report"),
}


@dataclass
class Export:
    data: bytes
    content_type: str
    filename: str


def filename(ws, fmt: str, lang: str = "fr", *, suffix: str = "") -> str:
    """"<workshop name, cut at a word>-<document>[-variant].<ext>": every document its own name."""
    from .data import short_slug

    ext, _, fr, en = FORMATS[fmt]
    info = ws.store.workshop() or {}
    base = short_slug(info.get("name") or ws.code, 40)
    return f"{base}-{fr if lang == 'fr' else en}{suffix}.{ext}"


def export(ws, fmt: str, *, lang: str = "fr", base_url: str | None = None, edition: str = "organiser",
           group_by: str = "organisation", size: str = "A4", delimiter: str = ";", table: str | None = None,
           contact: str | None = None, progress=None, as_of=None, others=()) -> Export:
    """Build one export of workshop ``ws`` (an ``app.registry.Workshop``).

    ``progress(done, total)`` is called along the way for ``org-reports`` (the only
    format that can take several seconds on a big workshop). Raises ``ValueError``
    for an unknown format or option, and when ``posters`` has no ``base_url``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    ext, ctype, _, _ = FORMATS[fmt]
    suffix = ""
    if fmt == "pdf":
        from .pdf_book import book

        body = book(ws, lang=lang, edition=edition, group_by=group_by)
        suffix = ("-public" if edition == "public" else "") + (
            ("-par-categorie" if lang == "fr" else "-by-category") if group_by == "category" else "")
    elif fmt == "org-reports":
        from .pdf_reports import org_reports_zip

        body = org_reports_zip(ws, lang=lang, progress=progress)
    elif fmt == "letter":
        from .pdf_letter import letter

        body = letter(ws, lang=lang, contact=contact)
    elif fmt == "posters":
        if not base_url:
            raise ValueError("posters need base_url (the address phones use)")
        from .pdf_posters import printables

        body = printables(ws, base_url, lang=lang, size=size)
    elif fmt == "xlsx":
        from .tables import xlsx

        body = xlsx(ws, lang=lang)
    elif fmt == "csv":
        from . import tables

        if table:
            if table not in tables.TABLES:
                raise ValueError(f"unknown table {table!r}")
            body = tables.csv_table(ws, table, lang=lang, delimiter=delimiter)
            return Export(body, "text/csv; charset=utf-8", filename(ws, fmt, lang, suffix=f"-{table}")[:-4] + ".csv")
        body = tables.csv_zip(ws, lang=lang, delimiter=delimiter)
    elif fmt.startswith("b2b-"):
        from . import b2b_docs

        body = {"b2b-grid": b2b_docs.grid_pdf, "b2b-tents": b2b_docs.tents_pdf,
                "b2b-agendas": b2b_docs.agendas_zip}[fmt](ws, lang=lang)
    elif fmt == "report":  # the year's report (app/followup), "as of" a date, with other workshops if given
        from ..followup.report import pdf

        body = pdf([ws, *others], as_of=as_of, lang=lang)
        suffix = f"-{as_of.isoformat()}" if as_of else ""
    else:
        from .backup_json import backup

        body = backup(ws)
    return Export(body, ctype, filename(ws, fmt, lang, suffix=suffix))


def _export_job(path: str, wid: str, code: str, fmt: str, options: dict, out_dir: str):
    """In the worker process: build the export from a snapshot; the bytes go to a file (a pipe would
    make the server's loop read megabytes), the caller reads it."""
    import os
    import tempfile

    from ..registry import Workshop
    from ..store import Snapshot

    snap = Snapshot(path)
    try:
        out = export(Workshop(wid, code, snap), fmt, **options)
    finally:
        snap.close()
    fd, name = tempfile.mkstemp(prefix="export-", suffix=".part", dir=out_dir)
    with os.fdopen(fd, "wb") as fh:
        fh.write(out.data)
    return name, out.content_type, out.filename, snap.seq


LEFTOVER_AFTER = 600  # s: an export file is read and removed within seconds; one this old was left behind


def remove_leftovers(data_dir, now: float | None = None) -> int:
    """Remove the export files a killed server or worker left in ``.exports`` (megabytes each), at start-up.
    Only those older than LEFTOVER_AFTER: hosted processes sharing the folder may be serving one now."""
    import time
    from pathlib import Path

    now = time.time() if now is None else now
    removed = 0
    for p in (Path(data_dir) / ".exports").glob("export-*.part"):
        try:
            if now - p.stat().st_mtime > LEFTOVER_AFTER:
                p.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def export_in_worker(ws, fmt: str, **options) -> tuple[Export, int]:
    """:func:`export` run in a worker process on the file as of one ``seq``; returns ``(export, seq)``.

    Raises ``ValueError`` as :func:`export` does."""
    import os
    from pathlib import Path

    from ..workers import run_in_worker, run_native

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    out_dir = Path(ws.store.path).parent / ".exports"
    out_dir.mkdir(exist_ok=True)
    name, ctype, fname, seq = run_in_worker(_export_job, ws.store.path, ws.id, ws.code, fmt, options, str(out_dir))
    try:
        data = run_native(Path(name).read_bytes)
    finally:
        try:
            os.unlink(name)
        except OSError:
            pass
    return Export(data, ctype, fname), seq
