"""The workshop book (livret): cover with key figures, contents with bookmarks,
the sheets (by organisation or by category), the ideas by status, the B2B list.

``edition="organiser"`` includes confidential (facilitators-only) and withdrawn
sheets, marked; ``edition="public"`` leaves them out, with contact details only
where the organisation consented, and no abandon reasons.
"""
from __future__ import annotations

from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer

from . import data as D
from .pdf_common import (ACCENT, BODY, BOLD, FONT, INK, MUTED, SMALL, TITLE, WARN, Block, Figures, Grid, Heading,
                         Style, TOC, build, clean)

EDITIONS = ("organiser", "public")
GROUPS = ("organisation", "category")
OFFER_BAR = ACCENT
NEED_BAR = colors.HexColor("#2563a8")
CELL = Style(FONT, 7.5)
CELL_B = Style(BOLD, 7.5)
CELL_MUTED = Style(FONT, 7, color=MUTED)


def c(d: D.Data, text, multiline=False) -> str:
    """User text -> drawable, with French typography."""
    return clean(d.typo(text) if text else "", multiline=multiline)


def sheet_block(d: D.Data, s, viewer, *, with_org=False, org_label=None, max_desc=None) -> Block:
    """One sheet as a block of lines; confidential and withdrawn sheets are marked in red."""
    marks = []
    if d.confidential(s):
        marks.append(d.t("exp.confidential"))
    if s.get("state") == "withdrawn":
        marks.append(d.t("exp.withdrawn"))
    title = c(d, s.get("title"))
    if marks:
        title = f"[{' · '.join(marks)}] {title}"
    desc = c(d, s.get("description"), multiline=True)
    if max_desc and len(desc) > max_desc:
        from .pdf_common import truncate

        desc = truncate(desc.replace("\n", " "), max_desc)
    runs = [(TITLE if not marks else Style(BOLD, 10.5, color=WARN, space_before=2), title),
            (SMALL, clean(D.sheet_meta(d, s, with_org=with_org, org_label=org_label))),
            (SMALL, clean(D.sheet_details(d, s))),
            (BODY, desc)]
    bar = WARN if marks else (OFFER_BAR if s.get("kind") == "offer" else NEED_BAR)
    return Block(runs, bar=bar, keep=2, space_after=7)


def org_meta(d: D.Data, o, viewer) -> str:
    parts = [d.label("org_kind", o.get("kind")), o.get("commune") or "", o.get("zone") or "",
             d.t("exp.table", n=o["table_no"]) if o.get("table_no") else "",
             d.label("presence", o.get("presence"))]
    if viewer == D.ORGANISER_VIEW or o.get("consent"):
        parts += [o.get("contact_name") or "", o.get("email") or "", o.get("phone") or ""]
    return " · ".join(clean(p) for p in parts if p)


def idea_grid(d: D.Data, ideas, viewer, *, b2b=False) -> Grid:
    private = viewer == D.ORGANISER_VIEW
    rows, marks = [], []
    for i in ideas:
        title = c(d, D.idea_title(d, i, viewer))
        if i.get("b2b") and not b2b:
            title += f" [{d.t('exp.b2b_tag')}]"
        if b2b:
            parties = []
            for oid in i.get("org_ids") or []:
                o = d.orgs_by_id.get(oid) or {}
                line = o.get("name") or "?"
                if private or o.get("consent"):
                    extra = ", ".join(x for x in (o.get("contact_name"), o.get("email"),
                                                  (o.get("phone") or "").replace(" ", D.NBSP)) if x)
                    if extra:
                        line += f" — {extra}"
                parties.append(clean(line))
            rows.append([str(i["ref"]), title, "\n".join(parties), clean(d.label("status", i.get("status"))),
                         clean(i.get("meeting_slot")), clean(d.fac_name(i.get("facilitator_id")))])
        else:
            rows.append([str(i["ref"]), title, clean(D.idea_parties(d, i)), c(d, D.idea_resource(d, i, viewer)),
                         clean(d.fac_name(i.get("facilitator_id"))), clean(D.idea_next(d, i, private=private))])
        marks.append(ACCENT if i.get("b2b") and not b2b else None)
    if b2b:
        cols = [(d.t("exp.col.no"), 0.06, CELL_MUTED), (d.t("exp.col.idea"), 0.26, CELL_B),
                (d.t("exp.col.contacts") if private else d.t("exp.col.orgs"), 0.35, CELL),
                (d.t("exp.col.status"), 0.11, CELL), (d.t("exp.col.slot"), 0.09, CELL),
                (d.t("exp.col.facilitator"), 0.13, CELL)]
    else:
        cols = [(d.t("exp.col.no"), 0.05, CELL_MUTED), (d.t("exp.col.idea"), 0.27, CELL_B),
                (d.t("exp.col.orgs"), 0.21, CELL), (d.t("exp.col.resource"), 0.17, CELL),
                (d.t("exp.col.facilitator"), 0.14, CELL), (d.t("exp.col.next_step"), 0.16, CELL)]
    return Grid(cols, rows, row_marks=marks)


def suggestion_grid(d: D.Data) -> Grid:
    """Accepted and dismissed suggestions (organiser edition): the pair, why, the decision."""
    rows = []
    for s in d.suggestions:
        o, n = d.sheets_by_id.get(s.get("offer_sheet_id")) or {}, d.sheets_by_id.get(s.get("need_sheet_id")) or {}
        pair = f"{o.get('title') or '?'} ({d.org_name(s.get('offer_org'))}) → {n.get('title') or '?'} " \
               f"({d.org_name(s.get('need_org'))})"
        reasons = "; ".join((r.get(d.lang) or r.get("fr") or "") for r in (s.get("reasons") or [])[:3]
                            if isinstance(r, dict))
        idea = d.ideas_by_id.get(s.get("idea_id") or "")
        decision = d.t(f"exp.sugg.{s.get('state')}") + (f" — {d.t('exp.ref', n=idea['ref'])}" if idea else "")
        if s.get("decided_by"):
            decision += f" ({s['decided_by']})"
        rows.append([c(d, pair), c(d, reasons), c(d, decision)])
    cols = [(d.t("exp.col.sugg_pair"), 0.42, CELL_B), (d.t("exp.col.sugg_reasons"), 0.36, CELL),
            (d.t("exp.col.sugg_decision"), 0.22, CELL)]
    return Grid(cols, rows, max_lines=10)


def cover(d: D.Data, edition: str, *, title_key="exp.book.title") -> list:
    w = d.workshop
    k = D.counts(d, public=edition == "public")
    story = [Spacer(1, 2.2 * cm),
             Block([(Style(BOLD, 11, color=MUTED), clean(d.t(title_key)))], keep=1, space_after=4),
             Heading(c(d, w.get("name")), 0, "cover", size=24, toc_title=clean(d.t("exp.figures"))),
             Block([(Style(FONT, 12.5, color=INK), clean(" · ".join(x for x in (d.date(w.get("date")),
                                                                               w.get("venue") or "") if x)))],
                   keep=1, space_after=4),
             Block([(Style(BOLD, 9, color=WARN if edition == "organiser" else MUTED),
                     clean(d.t(f"exp.book.{edition}")))], keep=1, space_after=18),
             Block([(Style(BOLD, 13, color=ACCENT), clean(d.t("exp.figures")))], keep=1, space_after=8)]
    n = d.number
    items = [
        (n(k["organisations"]), d.t("exp.fig.organisations"),
         f"{n(k['present'])} {d.t('exp.fig.present')} · {n(k['represented'])} {d.t('exp.fig.represented')}"),
        (n(k["facilitators"]), d.t("exp.fig.facilitators"), ""),
        (n(k["sheets"]), d.t("exp.fig.sheets"),
         f"{n(k['offers'])} {d.t('exp.fig.offers')} · {n(k['needs'])} {d.t('exp.fig.needs')}"),
        (n(k["ideas"]), d.t("exp.fig.ideas"), ""),
        (n(k["b2b"]), d.t("exp.fig.b2b"), ""),
    ]
    for st in D.STATUS_ORDER:
        if st == "done" and not k["by_status"].get("done"):
            continue
        items.append((n(k["by_status"].get(st, 0)), d.plural(f"status_n.{st}", k["by_status"].get(st, 0)),
                      d.t("exp.fig.ideas")))
    story.append(Figures([(a, clean(b), clean(x)) for a, b, x in items]))
    story.append(Spacer(1, 14))
    story.append(Block([(SMALL, clean(d.t("exp.book.generated", date=D.fmt_datetime(datetime.now(), d.lang))))],
                       keep=1))
    story.append(Block([(SMALL, clean(d.t("exp.snapshot_seq", seq=d.seq)))], keep=1))
    return story


def book(source, *, lang: str = "fr", edition: str = "organiser", group_by: str = "organisation") -> bytes:
    """The workshop book as PDF bytes (``application/pdf``)."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}")
    if group_by not in GROUPS:
        raise ValueError(f"group_by must be one of {GROUPS}")
    d = D.ensure(source, lang)
    viewer = D.ORGANISER_VIEW if edition == "organiser" else D.PUBLIC_VIEW
    orgs = [o for o in d.organisations if not o.get("hidden")]
    org_ids = {o["id"] for o in orgs}
    sheets = [s for s in d.sheets if s.get("organisation_id") in org_ids and D.sheet_visible(d, s, viewer)]
    ideas = d.live_ideas()

    toc = [(0, clean(d.t("exp.figures")), "cover")]
    body: list = []

    # sheets
    sec = d.t("exp.sec.sheets_by_org" if group_by == "organisation" else "exp.sec.sheets_by_cat")
    toc.append((0, clean(sec), "sheets"))
    body += [PageBreak(), Heading(clean(sec), 0, "sheets")]
    if group_by == "organisation":
        by_org: dict = {}
        for s in sheets:
            by_org.setdefault(s["organisation_id"], []).append(s)
        for k, o in enumerate(orgs):
            key = f"o{k}"
            own = by_org.get(o["id"], [])
            name = clean(o.get("name"))
            toc.append((1, f"{name} ({len(own)})", key))
            body += [CondPageBreak(5 * cm), Heading(name, 1, key, toc_title=name),
                     Block([(SMALL, org_meta(d, o, viewer))], keep=1, space_after=6)]
            if not own:
                body.append(Block([(SMALL, clean(d.t("exp.no_sheets")))], keep=1))
            for s in sorted(own, key=lambda s: (s.get("kind") != "offer", D.sort_key(s.get("category")), s["ref"])):
                body.append(sheet_block(d, s, viewer))
    else:
        by_cat: dict = {}
        for s in sheets:
            by_cat.setdefault(s.get("category") or "other", []).append(s)
        cats = sorted(by_cat, key=lambda k: D.sort_key(d.label("cat", k)))
        for k, cat in enumerate(cats):
            key = f"c{k}"
            items = sorted(by_cat[cat], key=lambda s: (s.get("kind") != "offer", D.sort_key(
                d.org_name(s.get("organisation_id"))), s["ref"]))
            name = clean(d.label("cat", cat))
            toc.append((1, f"{name} ({len(items)})", key))
            body += [CondPageBreak(5 * cm), Heading(name, 1, key)]
            for s in items:
                body.append(sheet_block(d, s, viewer, with_org=True))

    # ideas by status
    sec = clean(d.t("exp.sec.ideas"))
    toc.append((0, sec, "ideas"))
    body += [PageBreak(), Heading(sec, 0, "ideas")]
    by_status: dict = {}
    for i in ideas:
        by_status.setdefault(i.get("status"), []).append(i)
    statuses = [s for s in D.STATUS_ORDER if s in by_status or s != "done"] + \
        [s for s in by_status if s not in D.STATUS_ORDER]
    for st in statuses:
        items = by_status.get(st, [])
        key = f"s_{st}"
        label = d.plural(f"status_n.{st}", len(items)) if st in D.STATUS_ORDER else d.label("status", st)
        name = clean(f"{label} ({d.number(len(items))})")
        toc.append((1, name, key))
        body += [CondPageBreak(4 * cm), Heading(name, 1, key)]
        body.append(idea_grid(d, items, viewer) if items else Block([(SMALL, clean(d.t("exp.no_ideas")))], keep=1))

    # B2B
    sec = clean(d.t("exp.sec.b2b"))
    b2b = [i for i in ideas if i.get("b2b")]
    toc.append((0, f"{sec} ({len(b2b)})", "b2b"))
    body += [PageBreak(), Heading(f"{sec} ({len(b2b)})", 0, "b2b")]
    body.append(idea_grid(d, b2b, viewer, b2b=True) if b2b else Block([(SMALL, clean(d.t("exp.no_ideas")))], keep=1))
    if edition != "public":  # the meetings and what came of them (outcomes are not for the public edition)
        from .b2b_docs import book_section

        meetings = book_section(d)
        if len(meetings) > 1:
            toc.append((0, meetings[1].text if hasattr(meetings[1], "text") else d.t("b2b.doc.meetings"), "meetings"))
        body += meetings

    if edition == "organiser":  # who accepted or dismissed which suggestion is staff information
        sec = clean(d.t("exp.sec.suggestions"))
        toc.append((0, f"{sec} ({len(d.suggestions)})", "suggestions"))
        body += [PageBreak(), Heading(f"{sec} ({len(d.suggestions)})", 0, "suggestions")]
        body.append(suggestion_grid(d) if d.suggestions else Block([(SMALL, clean(d.t("exp.sugg.none")))], keep=1))

    story = cover(d, edition) + [PageBreak(), Heading(clean(d.t("exp.toc")), 0, "toc", outline=False), TOC(toc)]
    story += body
    name = d.workshop.get("name") or ""
    footer = " — ".join(x for x in (name, d.date(d.workshop.get("date")), d.t(f"exp.book.{edition}").split(" — ")[0])
                        if x)
    return build(story, title=f"{d.t('exp.book.title')} — {name}", footer=footer, lang=d.lang,
                 subject=d.t(f"exp.book.{edition}"), author=d.t("exp.book.title"))
