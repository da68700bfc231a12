"""Step 1: a file's bytes -> tabs of rows of typed cells.

Spreadsheets (XLSX, XLS, ODS) are read by calamine (typed cells: numbers, dates,
text; merged ranges filled with their value so a merged header names every
column under it); openpyxl is the fallback for an XLSX calamine refuses. CSV is
decoded as UTF-8 (with or without BOM), then Windows-1252, then Latin-1; the
separator (``;`` ``,`` tab ``|``) is the one that splits the first lines most
consistently; quoted line breaks and CRLF are handled by the csv module.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

MAX_ROWS = 10000
MAX_BYTES = 20 * 1024 * 1024


class ReadError(ValueError):
    """The file cannot be read; ``key`` names the translated message, ``params`` its values."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


@dataclass
class Tab:
    name: str
    rows: list = field(default_factory=list)  # [(line number, [cells])], empty rows left out

    @property
    def width(self) -> int:
        return max((len(r) for _, r in self.rows), default=0)


@dataclass
class Book:
    format: str  # csv, xlsx, xls, ods
    tabs: list
    encoding: str | None = None
    delimiter: str | None = None

    def tab(self, name: str | None = None) -> Tab:
        """The named tab, else the first tab with data."""
        if name:
            for t in self.tabs:
                if t.name == name:
                    return t
        for t in self.tabs:
            if t.rows:
                return t
        return self.tabs[0] if self.tabs else Tab("")


def sniff_format(content: bytes, filename: str = "") -> str:
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
                if "mimetype" in names and b"opendocument.spreadsheet" in z.read("mimetype"):
                    return "ods"
                if "xl/workbook.xml" in names:
                    return "xlsx"
        except zipfile.BadZipFile:
            raise ReadError("imp.err.unreadable", detail="zip") from None
        raise ReadError("imp.err.unreadable", detail="zip")
    low = filename.lower()
    if low.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise ReadError("imp.err.unreadable", detail=low.rsplit(".", 1)[-1].upper())
    return "csv"


def read_book_off_loop(content: bytes, filename: str = "") -> Book:
    """:func:`read_book`, in a worker process when the live server runs (a big spreadsheet takes seconds
    to parse: the screens must not wait for it)."""
    from .. import workers

    if not workers.under_gevent():
        return read_book(content, filename)
    outcome = workers.run_in_worker(_read_book_outcome, content, filename)
    if outcome[0] == "error":
        raise ReadError(outcome[1], **outcome[2])
    return outcome[1]


def _read_book_outcome(content: bytes, filename: str):
    """In the worker: the book, or the refusal as plain data (an exception's keyword values don't pickle)."""
    try:
        return "ok", read_book(content, filename)
    except ReadError as exc:
        return "error", exc.key, exc.params


def read_book(content: bytes, filename: str = "") -> Book:
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > MAX_BYTES:
        raise ReadError("imp.err.too_big", max=MAX_BYTES // (1024 * 1024))
    fmt = sniff_format(content, filename)
    if fmt == "csv":
        return _read_csv(content)
    try:
        return _read_calamine(content, fmt)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken file gets a message, not a trace
        if fmt == "xlsx":
            try:
                return _read_openpyxl(content)
            except Exception:  # noqa: BLE001
                pass
        raise ReadError("imp.err.unreadable", detail=f"{fmt.upper()} ({type(exc).__name__})") from None


# -- spreadsheets -------------------------------------------------------------------

def _keep(rows_iter, merged=()) -> list:
    grid = [list(r) for r in rows_iter]
    if len(grid) > MAX_ROWS + 50:
        raise ReadError("imp.err.too_many_rows", max=MAX_ROWS)
    for (r0, c0), (r1, c1) in merged:  # a merged range: every cell shows the top-left value
        if r0 >= len(grid):
            continue
        row0 = grid[r0]
        v = row0[c0] if c0 < len(row0) else None
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            line = grid[r]
            while len(line) <= c1:
                line.append(None)
            for c in range(c0, c1 + 1):
                if line[c] in (None, ""):
                    line[c] = v
    out = []
    for n, cells in enumerate(grid, 1):
        cells = [None if (isinstance(c, str) and not c.strip()) else c for c in cells]
        while cells and cells[-1] is None:
            cells.pop()
        if cells:
            out.append((n, cells))
    return out


def _read_calamine(content: bytes, fmt: str) -> Book:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    tabs = []
    try:
        for name in wb.sheet_names:
            sh = wb.get_sheet_by_name(name)
            merged = []
            try:
                for (r0, c0), (r1, c1) in sh.merged_cell_ranges or []:
                    merged.append(((r0, c0), (r1, c1)))
            except Exception:  # noqa: BLE001 - merged ranges are a bonus, not a requirement
                merged = []
            # From A1 (not from the first used cell), so line numbers and merged ranges are the sheet's own.
            tabs.append(Tab(name, _keep(sh.to_python(skip_empty_area=False), merged)))
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001
            pass
    return Book(fmt, tabs)


def _read_openpyxl(content: bytes) -> Book:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), data_only=True)
    tabs = []
    for ws in wb.worksheets:
        merged = [((m.min_row - 1, m.min_col - 1), (m.max_row - 1, m.max_col - 1)) for m in ws.merged_cells.ranges]
        tabs.append(Tab(ws.title, _keep(ws.iter_rows(values_only=True), merged)))
    return Book("xlsx", tabs)


# -- CSV ----------------------------------------------------------------------------

def decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    for enc in ("utf-8", "cp1252"):
        try:
            return content.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1"), "latin-1"


DELIMITERS = (";", ",", "\t", "|")


def _sniff_delimiter(text: str) -> str:
    sample = text[:20000]
    best, best_score = ";", -1.0
    for d in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        rows = rows[:30]
        if not rows:
            continue
        widths = [len(r) for r in rows]
        top = max(set(widths), key=widths.count)
        if top < 2:
            continue
        score = widths.count(top) / len(widths) * 10 + min(top, 30) / 30
        if score > best_score:
            best, best_score = d, score
    return best


def _read_csv(content: bytes) -> Book:
    text, enc = decode(content)
    if "\x00" in text:
        raise ReadError("imp.err.unreadable", detail="binaire")
    delim = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows, prev = [], 0
    try:
        for row in reader:
            start = prev + 1
            prev = reader.line_num
            cells = [c if c.strip() else None for c in row]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                rows.append((start, cells))
            if len(rows) > MAX_ROWS + 50:
                raise ReadError("imp.err.too_many_rows", max=MAX_ROWS)
    except csv.Error as exc:
        raise ReadError("imp.err.unreadable", detail=f"CSV ({exc})") from None
    return Book("csv", [Tab("CSV", rows)], encoding=enc, delimiter=delim)
