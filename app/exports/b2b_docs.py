"""B2B meeting documents: each organisation's agenda (PDF and .ics), the master grid
(slots x places) for the wall and the tables, table tents for meeting places, and the
meetings with their outcomes for the XLSX, the book and the per-organisation reports."""
from __future__ import annotations

import io
import zipfile

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Spacer

from . import data as D
from .pdf_common import BOLD, FONT, MUTED, SMALL, Block, Grid, Heading, Style, build, clean

CELL = Style(FONT, 8)
CELL_B = Style(BOLD, 8)


class Plan:
    """The meetings of a workshop with their slot times and place names, read once."""

    def __init__(self, ws, lang="fr"):
        from ..services import meetings as M

        self.ws, self.lang = ws, D.norm_lang(lang)
        store = ws.store
        with store.snapshot():
            self.info = store.workshop() or {}
            self.slots = M.slots_of(ws)
            self.places = M.places_of(store)
            self.meetings = store.all("meeting")
            self.orgs = {o["id"]: o for o in store.all("organisation")}
            self.ideas = {i["id"]: i for i in store.all("idea")}
        self.place_names = {p["id"]: p["name"] for p in self.places}

    def t(self, key, **kw):
        return D.t(key, self.lang, **kw)

    def planned(self):
        out = [m for m in self.meetings if m.get("request_status") == "accepted" and m.get("status") != "cancelled"
               and isinstance(m.get("slot"), int) and m["slot"] < len(self.slots)]
        return sorted(out, key=lambda m: (m["slot"], self.place_names.get(m.get("place_id"), "")))

    def of(self, org_id):
        return [m for m in self.planned() if org_id in (m.get("org_ids") or [])]

    def name(self, oid):
        return (self.orgs.get(oid) or {}).get("name") or "?"

    def with_whom(self, m, org_id=None, sep=" · "):
        return sep.join(self.name(o) for o in m.get("org_ids") or [] if o != org_id)

    def when(self, m):
        s = self.slots[m["slot"]]
        return f"{s['start']}–{s['end']}"

    def topic(self, m):
        idea = self.ideas.get(m.get("idea_id")) if m.get("idea_id") else None
        return (idea or {}).get("title") or m.get("note") or ""

    def outcome(self, m, org_id=None):
        parts = []
        for oid, o in (m.get("outcomes") or {}).items():
            if org_id and oid != org_id:
                continue
            text = self.t(f"b2b.outcome.{o.get('outcome')}")
            if o.get("next_step"):
                text += f" — {o['next_step']}"
            parts.append(text if org_id else f"{self.name(oid)} : {text}")
        return " ; ".join(parts)

    def contact(self, m, org_id):
        out = []
        for oid in m.get("org_ids") or []:
            o = self.orgs.get(oid) or {}
            if oid == org_id or not o.get("consent"):
                continue
            bits = [x for x in (o.get("contact_name"), o.get("email"), o.get("phone")) if x]
            if bits:
                out.append(f"{o.get('name')} : {', '.join(bits)}")
        return " ; ".join(out)


class _Shim:
    """What Plan needs of a workshop (its store), for documents built from ``exports.data.Data``."""

    def __init__(self, store):
        self.store = store


def _from_data(d) -> Plan:
    return Plan(_Shim(d._store), d.lang)


def _plan(source, lang):
    return source if isinstance(source, Plan) else Plan(source, lang)


def _head(p: Plan) -> str:
    w = p.info
    return " · ".join(x for x in (w.get("name") or "", D.fmt_date(w.get("date"), p.lang), w.get("venue") or "") if x)


def agenda_pdf(source, org_id: str, *, lang: str = "fr") -> bytes:
    """One organisation's meetings in time order: when, where, with whom, about what, contact."""
    p = _plan(source, lang)
    org = p.orgs[org_id]
    rows = [[clean(p.when(m)), clean(p.place_names.get(m.get("place_id"), "")), clean(p.with_whom(m, org_id)),
             clean(p.topic(m)), clean(p.contact(m, org_id))] for m in p.of(org_id)]
    story = [Block([(Style(BOLD, 10, color=MUTED), clean(_head(p)))], keep=1, space_after=4),
             Heading(clean(p.t("b2b.doc.agenda_title", org=org.get("name") or "")), 0, "agenda", size=18)]
    if rows:
        cols = [(p.t("b2b.doc.time"), 0.13, CELL_B), (p.t("b2b.doc.place"), 0.14, CELL_B),
                (p.t("b2b.doc.with"), 0.25, CELL), (p.t("b2b.doc.topic"), 0.25, CELL),
                (p.t("b2b.doc.contact"), 0.23, CELL)]
        story.append(Grid(cols, rows, max_lines=8))
    else:
        story.append(Block([(SMALL, clean(p.t("b2b.none_yet")))], keep=1))
    return build(story, title=p.t("b2b.doc.agenda_title", org=org.get("name") or ""),
                 footer=_head(p), lang=p.lang, author=p.info.get("name") or "")


def agenda_ics(source, org_id: str, *, lang: str = "fr") -> bytes:
    """The same agenda as an iCalendar file (RFC 5545), one event per meeting, local times."""
    from icalendar import Calendar, Event

    from ..b2b.bridge import when

    p = _plan(source, lang)
    org = p.orgs[org_id]
    cal = Calendar()
    cal.add("prodid", "-//Atelier synergies//rendez-vous BtoB//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", p.t("b2b.doc.agenda_title", org=org.get("name") or ""))
    for m in p.of(org_id):
        start, end = when(p.info.get("date"), p.slots[m["slot"]])
        ev = Event()
        ev.add("uid", f"{m['id']}@atelier-synergies")
        ev.add("dtstamp", D.parse_dt(m.get("updated_at")) or start)
        ev.add("dtstart", start)
        ev.add("dtend", end)
        ev.add("summary", p.t("b2b.doc.ics_summary", who=p.with_whom(m, org_id)))
        ev.add("location", " · ".join(x for x in (p.place_names.get(m.get("place_id"), ""), p.info.get("venue")) if x))
        desc = [x for x in (p.topic(m), p.contact(m, org_id)) if x]
        if desc:
            ev.add("description", "\n".join(desc))
        cal.add_component(ev)
    return cal.to_ical()


def agendas_zip(source, *, lang: str = "fr") -> bytes:
    """Every organisation with a meeting: its agenda as PDF and .ics."""
    p = _plan(source, lang)
    with_meetings = sorted({o for m in p.planned() for o in m.get("org_ids") or [] if o in p.orgs},
                           key=lambda o: D.sort_key(p.name(o)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, oid in enumerate(with_meetings, 1):
            base = f"{n:02d}-{D.slug(p.name(oid))}"
            z.writestr(f"{base}.pdf", agenda_pdf(p, oid))
            z.writestr(f"{base}.ics", agenda_ics(p, oid))
        z.writestr(f"00-{D.slug(p.t('b2b.doc.grid_title'))}.pdf", grid_pdf(p))
        z.writestr(f"00-{D.slug(p.t('b2b.doc.tents_title'))}.pdf", tents_pdf(p))
    return buf.getvalue()


def grid_pdf(source, *, lang: str = "fr") -> bytes:
    """The master grid, slots down, places across, for the wall and the tables (landscape)."""
    p = _plan(source, lang)
    at = {(m["slot"], m.get("place_id")): m for m in p.planned()}
    places = p.places
    story = [Block([(Style(BOLD, 10, color=MUTED), clean(_head(p)))], keep=1, space_after=4),
             Heading(clean(p.t("b2b.doc.grid_title")), 0, "grid", size=16)]
    per_page = 8
    for k in range(0, max(1, len(places)), per_page):
        chunk = places[k:k + per_page]
        frac = 0.88 / max(1, len(chunk))
        cols = [(p.t("b2b.slot"), 0.12, CELL_B)] + [(pl["name"], frac, CELL) for pl in chunk]
        rows = []
        for s in p.slots:
            row = [clean(f"{s['start']}–{s['end']}")]
            for pl in chunk:
                m = at.get((s["index"], pl["id"]))
                row.append(clean(p.with_whom(m, sep=" × ")) if m else "")
            rows.append(row)
        if k:
            story.append(PageBreak())
        story.append(Grid(cols, rows, max_lines=4))
    return build(story, title=p.t("b2b.doc.grid_title"), footer=_head(p), lang=p.lang, pagesize=landscape(A4),
                 author=p.info.get("name") or "")


def tents_pdf(source, *, lang: str = "fr") -> bytes:
    """One page per meeting place: its name in big letters, then its meetings by time."""
    p = _plan(source, lang)
    story = []
    for n, pl in enumerate(p.places):
        if n:
            story.append(PageBreak())
        story += [Spacer(1, 2 * cm), Block([(Style(BOLD, 60), clean(pl["name"]))], keep=1, space_after=10),
                  Block([(Style(FONT, 14, color=MUTED), clean(p.t("b2b.doc.tent_sub")))], keep=1, space_after=14)]
        mine = [m for m in p.planned() if m.get("place_id") == pl["id"]]
        for m in mine:
            story.append(Block([(Style(BOLD, 16), clean(p.when(m))), (Style(FONT, 16), clean(p.with_whom(m, sep=" × ")))],
                               keep=2, space_after=6))
    if not story:
        story = [Block([(SMALL, clean(p.t("b2b.none_yet")))], keep=1)]
    return build(story, title=p.t("b2b.doc.tents_title"), footer=_head(p), lang=p.lang,
                 author=p.info.get("name") or "")


# -- for the XLSX, the book and the per-organisation reports ---------------------------------
def table_rows(ws, lang="fr"):
    """Columns and rows of the `rendez-vous` worksheet: every meeting, planned or not."""
    p = _plan(ws, lang)
    cols = [("meeting_time", "text"), ("meeting_place", "text"), ("organisations", "text"), ("idea", "text"),
            ("request_status", "text"), ("meeting_status", "text"), ("locked", "bool"), ("outcomes", "text"),
            ("id", "text")]
    rows = []
    order = sorted(p.meetings, key=lambda m: (m.get("slot") is None, m.get("slot") or 0,
                                              p.place_names.get(m.get("place_id"), "")))
    for m in order:
        planned = isinstance(m.get("slot"), int) and m["slot"] < len(p.slots)
        rows.append([p.when(m) if planned else "", p.place_names.get(m.get("place_id"), "") if planned else "",
                     p.with_whom(m, sep=" | "), p.topic(m), p.t(f"b2b.request.{m.get('request_status')}"),
                     p.t(f"b2b.status.{m.get('status') or 'planned'}"), bool(m.get("locked")), p.outcome(m), m["id"]])
    return cols, rows


def report_section(d, org_id) -> list:
    """The per-organisation report's "Rendez-vous" part: its planned meetings and their outcomes."""
    p = _from_data(d)
    mine = p.of(org_id)
    story = [Heading(clean(f"{p.t('b2b.doc.meetings')} ({len(mine)})"), 1, "meetings")]
    if not mine:
        return story + [Block([(SMALL, clean(p.t("b2b.none_yet")))], keep=1)]
    rows = [[clean(p.when(m)), clean(p.place_names.get(m.get("place_id"), "")), clean(p.with_whom(m, org_id)),
             clean(p.topic(m)), clean(p.outcome(m))] for m in mine]
    cols = [(p.t("b2b.doc.time"), 0.12, CELL_B), (p.t("b2b.doc.place"), 0.12, CELL), (p.t("b2b.doc.with"), 0.22, CELL),
            (p.t("b2b.doc.topic"), 0.24, CELL), (p.t("b2b.doc.outcome"), 0.3, CELL)]
    return story + [Grid(cols, rows, max_lines=10)]


def book_section(d) -> list:
    """The book's list of meetings with their outcomes, in time order."""
    p = _from_data(d)
    planned = p.planned()
    story = [PageBreak(), Heading(clean(f"{p.t('b2b.doc.meetings')} ({len(planned)})"), 0, "meetings")]
    if not planned:
        return story + [Block([(SMALL, clean(p.t("b2b.none_yet")))], keep=1)]
    rows = [[clean(p.when(m)), clean(p.place_names.get(m.get("place_id"), "")), clean(p.with_whom(m, sep=" × ")),
             clean(p.topic(m)), clean(p.outcome(m))] for m in planned]
    cols = [(p.t("b2b.doc.time"), 0.1, CELL_B), (p.t("b2b.doc.place"), 0.1, CELL), (p.t("b2b.doc.with"), 0.28, CELL),
            (p.t("b2b.doc.topic"), 0.24, CELL), (p.t("b2b.doc.outcome"), 0.28, CELL)]
    return story + [Grid(cols, rows, max_lines=8)]
