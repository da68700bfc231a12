"""Per-organisation reports: what one organisation takes home — its sheets, the
ideas that involve it (status, next step), the counterparts' contact details
where those consented, its B2B meetings. One PDF each, or all in one zip."""
from __future__ import annotations

import io
import zipfile

from reportlab.platypus import CondPageBreak, Spacer
from reportlab.lib.units import cm

from . import data as D
from .pdf_book import CELL, CELL_B, CELL_MUTED, c, org_meta, sheet_block
from .pdf_common import ACCENT, BOLD, FONT, MUTED, SMALL, Block, Grid, Heading, Style, build, clean, logo_flowable


def _counterparts(d: D.Data, org_id, ideas) -> list:
    seen, out = set(), []
    for i in ideas:
        for oid in i.get("org_ids") or []:
            if oid != org_id and oid not in seen and oid in d.orgs_by_id:
                seen.add(oid)
                out.append(d.orgs_by_id[oid])
    out.sort(key=lambda o: D.sort_key(o.get("name")))
    return out


def _with(d: D.Data, org_id, idea) -> str:
    return ", ".join(d.org_name(o) for o in idea.get("org_ids") or [] if o != org_id)


def story_for(d: D.Data, org: dict) -> list:
    org_id = org["id"]
    viewer = org_id
    w = d.workshop
    name = clean(org.get("name"))
    contact = d.organiser_contact()
    story = [x for x in [logo_flowable(d.logo())] if x] + [Block([(Style(BOLD, 10, color=MUTED), clean(" · ".join(x for x in (
        w.get("name") or "", d.date(w.get("date")), w.get("venue") or "") if x)))], keep=1, space_after=4),
        Heading(clean(d.t("exp.report.title", org=org.get("name") or "")), 0, "top", size=18, toc_title=name),
        Block([(SMALL, org_meta(d, org, D.ORGANISER_VIEW))], keep=1, space_after=6)]
    if contact:
        story.append(Block([(Style(BOLD, 9.5, color=ACCENT), c(d, d.t("exp.report.your_contact", contact=contact)))],
                           keep=1, space_after=10))
    code = org.get("join_code")
    if code:  # what a colleague's phone needs to enter this organisation without waiting for a member's approval
        shown = f"{code[:3]}{D.NBSP}{code[3:]}" if len(code) == 6 else code
        story.append(Block([(Style(BOLD, 11), clean(d.t("exp.report.join_code", code=shown))),
                            (SMALL, clean(d.t("exp.report.join_code_hint")))], keep=2, space_after=10))

    sheets = [s for s in d.sheets_by_org.get(org_id, []) if not s.get("hidden")]
    sheets.sort(key=lambda s: (s.get("kind") != "offer", s["ref"]))
    story.append(Heading(clean(f"{d.t('exp.report.sheets')} ({len(sheets)})"), 1, "sheets"))
    if not sheets:
        story.append(Block([(SMALL, clean(d.t("exp.no_sheets")))], keep=1))
    for s in sheets:
        story.append(sheet_block(d, s, viewer))

    ideas = [i for i in d.ideas_by_org.get(org_id, []) if not i.get("hidden") and not i.get("merged_into")]
    ideas.sort(key=lambda i: (D.STATUS_ORDER.index(i["status"]) if i.get("status") in D.STATUS_ORDER else 9,
                              i["ref"]))
    story += [CondPageBreak(4 * cm), Heading(clean(f"{d.t('exp.report.ideas')} ({len(ideas)})"), 1, "ideas")]
    if ideas:
        rows = []
        for i in ideas:
            title = c(d, D.idea_title(d, i, viewer))
            if i.get("b2b"):
                title += f" [{d.t('exp.b2b_tag')}]"
            rows.append([str(i["ref"]), title, clean(_with(d, org_id, i)), c(d, D.idea_resource(d, i, viewer)),
                         clean(d.label("status", i.get("status"))), clean(D.idea_next(d, i, private=False))])
        cols = [(d.t("exp.col.no"), 0.05, CELL_MUTED), (d.t("exp.col.idea"), 0.27, CELL_B),
                (d.t("exp.col.counterpart"), 0.2, CELL), (d.t("exp.col.resource"), 0.18, CELL),
                (d.t("exp.col.status"), 0.12, CELL), (d.t("exp.col.next_step"), 0.18, CELL)]
        story.append(Grid(cols, rows))
    else:
        story.append(Block([(SMALL, clean(d.t("exp.no_ideas")))], keep=1))

    parts = _counterparts(d, org_id, ideas)
    story += [CondPageBreak(4 * cm), Heading(clean(f"{d.t('exp.report.contacts')} ({len(parts)})"), 1, "contacts")]
    if not parts:
        story.append(Block([(SMALL, clean(d.t("exp.report.none_contacts")))], keep=1))
    for o in parts:
        if o.get("consent"):
            details = " · ".join(clean(x) for x in (o.get("contact_name"), o.get("email"),
                                                    (o.get("phone") or "").replace(" ", D.NBSP)) if x)
        else:
            details = clean(d.t("exp.no_contact_consent_with", contact=contact) if contact
                            else d.t("exp.no_contact_consent"))
        where = " · ".join(clean(x) for x in (d.label("org_kind", o.get("kind")), o.get("commune")) if x)
        story.append(Block([(Style(BOLD, 9.5), clean(o.get("name"))), (SMALL, where), (Style(FONT, 9), details)],
                           keep=3, space_after=6))

    b2b = [i for i in ideas if i.get("b2b")]
    story += [CondPageBreak(4 * cm), Heading(clean(f"{d.t('exp.report.b2b')} ({len(b2b)})"), 1, "b2b")]
    if b2b:
        rows = [[str(i["ref"]), c(d, D.idea_title(d, i, viewer)), clean(_with(d, org_id, i)),
                 clean(i.get("meeting_slot")), clean(d.label("status", i.get("status"))),
                 clean(D.idea_next(d, i, private=False))] for i in b2b]
        cols = [(d.t("exp.col.no"), 0.05, CELL_MUTED), (d.t("exp.col.idea"), 0.3, CELL_B),
                (d.t("exp.col.counterpart"), 0.22, CELL), (d.t("exp.col.slot"), 0.1, CELL),
                (d.t("exp.col.status"), 0.13, CELL), (d.t("exp.col.next_step"), 0.2, CELL)]
        story.append(Grid(cols, rows))
    else:
        story.append(Block([(SMALL, clean(d.t("exp.report.none_b2b")))], keep=1))
    from .b2b_docs import report_section

    story += [CondPageBreak(4 * cm), *report_section(d, org_id)]
    story.append(Spacer(1, 6))
    return story


def org_report(source, org_id: str, *, lang: str = "fr") -> bytes:
    """One organisation's report as PDF bytes (``application/pdf``); KeyError if unknown."""
    d = D.ensure(source, lang)
    org = d.orgs_by_id[org_id]
    name = org.get("name") or ""
    footer = " — ".join(x for x in (d.workshop.get("name") or "", name) if x)
    return build(story_for(d, org), title=d.t("exp.report.title", org=name), footer=footer, lang=d.lang,
                 author=d.workshop.get("name") or "")


def report_filename(d: D.Data, org: dict, n: int) -> str:
    return f"{n:02d}-{D.slug(org.get('name'))}.pdf"


def org_reports_zip(source, *, lang: str = "fr", progress=None) -> bytes:
    """Every (not hidden) organisation's report in one zip (``application/zip``).

    ``progress(done, total)`` is called after each report, for a progress bar."""
    d = D.ensure(source, lang)
    orgs = d.live_orgs()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:  # PDFs are already compressed
        for n, o in enumerate(orgs, 1):
            z.writestr(report_filename(d, o, n), org_report(d, o["id"], lang=d.lang))  # not relabelled French
            if progress:
                progress(n, len(orgs))
    return buf.getvalue()
