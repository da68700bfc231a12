"""The resource-exchange letter (lettre d'échanges de ressources): the open,
non-confidential offers and needs grouped by category, in two columns, each
with a reference to quote to the organiser; organisations that asked for it
are anonymised."""
from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak

from . import data as D
from .pdf_book import NEED_BAR, OFFER_BAR, c
from .pdf_common import ACCENT, BOLD, FONT, INK, MUTED, SMALL, Block, Heading, Style, build, clean, logo_flowable

ITEM_TITLE = Style(BOLD, 9.5)
ITEM_BODY = Style(FONT, 8.5)


def letter(source, *, lang: str = "fr", contact: str | None = None) -> bytes:
    """The letter as PDF bytes (``application/pdf``). ``contact``: how to reach the organiser
    (an email address, a phone), printed under the introduction; by default the workshop's
    organiser contact (name, email, phone)."""
    d = D.ensure(source, lang)
    w = d.workshop
    sheets = [s for s in d.sheets if d.sheet_public(s) and s.get("state") == "open"]
    contact = contact or d.organiser_contact()
    story = [x for x in [logo_flowable(d.logo())] if x] + [
        Block([(Style(BOLD, 10, color=MUTED), clean(" · ".join(x for x in (
            w.get("name") or "", d.date(w.get("date"))) if x)))], keep=1, space_after=2),
        Heading(clean(d.t("exp.letter.title")), 0, "top", size=19),
        Block([(Style(FONT, 9.5, color=INK), c(d, d.t("exp.letter.intro", name=w.get("name") or "")))], keep=1,
              space_after=4),
    ]
    how = d.t("exp.letter.how_with", contact=contact) if contact else d.t("exp.letter.how_without")
    story.append(Block([(Style(BOLD, 9.5, color=ACCENT), c(d, how))], keep=1, space_after=6))
    if not sheets:
        story.append(Block([(SMALL, clean(d.t("exp.letter.empty")))], keep=1))
    by_cat: dict = {}
    for s in sheets:
        by_cat.setdefault(s.get("category") or "other", []).append(s)
    for k, cat in enumerate(sorted(by_cat, key=lambda x: D.sort_key(d.label("cat", x)))):
        items = by_cat[cat]
        story += [CondPageBreak(3 * cm), Heading(clean(f"{d.label('cat', cat)} ({len(items)})"), 1, f"c{k}",
                                                 size=12)]
        for kind, key, bar in (("offer", "exp.letter.offers", OFFER_BAR), ("need", "exp.letter.needs", NEED_BAR)):
            part = [s for s in items if s.get("kind") == kind]
            if not part:
                continue
            story.append(Block([(Style(BOLD, 8, color=bar), clean(d.t(key)).upper())], keep=1, space_after=3))
            part.sort(key=lambda s: (D.sort_key(s.get("subcategory")), D.sort_key(s.get("title"))))
            for s in part:
                org = d.orgs_by_id.get(s.get("organisation_id")) or {}
                if s.get("anonymous"):
                    who = d.t("exp.anonymous")
                else:
                    who = org.get("name") or ""
                    if org.get("commune"):
                        who += f" ({org['commune']})"
                meta = " · ".join(x for x in (who, d.label("sub", s.get("subcategory")), d.quantity(s),
                                             d.label("freq", s.get("frequency")), d.label("terms", s.get("terms")),
                                             d.t("exp.ref", n=s["ref"])) if x)
                desc = c(d, s.get("description"), multiline=False)
                story.append(Block([(ITEM_TITLE, c(d, s.get("title"))), (SMALL, clean(meta)), (ITEM_BODY, desc)],
                                   bar=bar, keep=2, space_after=6))
    footer = " — ".join(x for x in (d.t("exp.letter.title"), w.get("name") or "", d.date(w.get("date"))) if x)
    return build(story, title=f"{d.t('exp.letter.title')} — {w.get('name') or ''}", footer=footer, lang=d.lang,
                 columns=2, author=w.get("name") or "")
