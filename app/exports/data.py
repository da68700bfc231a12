"""A workshop's whole data, read once, as plain dicts, plus the formatting
helpers every export shares: enum labels, French typography, dates, numbers.

``load(ws)`` reads every table under the store's lock (one consistent
snapshot) and builds the indexes the documents need. Nothing here writes.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from .. import i18n

LANGS = ("fr", "en")
NBSP = "\u00a0"

STATUS_ORDER = ["new", "explore", "soon", "abandoned", "done"]


# -- labels and typography ----------------------------------------------------------

def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGS else "fr"


def t(key: str, lang: str, **params) -> str:
    return i18n.t(key, norm_lang(lang), **params)


def label(group: str, value, lang: str) -> str:
    """``label("status", "new", "fr")`` -> "Nouvelle"; unknown values come back as typed."""
    if value in (None, ""):
        return ""
    key = f"{group}.{value}"
    text = i18n.t(key, norm_lang(lang))
    return str(value) if text == key else text


_TYPO_BEFORE = re.compile(r"[ \u202f\u2009]+([:;!?»])")
_TYPO_AFTER = re.compile(r"(«)[ \u202f\u2009]+")


def typo(text: str | None, lang: str = "fr") -> str:
    """French typography: a non-breaking space (U+00A0, which every font has) before : ; ! ? »
    and after «, replacing the ordinary space typed there. English text is left alone."""
    if not text:
        return ""
    if norm_lang(lang) != "fr":
        return text
    if not any(c in text for c in ":;!?«»"):
        return text
    text = _TYPO_BEFORE.sub(NBSP + r"\1", text)
    return _TYPO_AFTER.sub(r"\1" + NBSP, text)


BABEL_LOCALE = i18n.BABEL_LOCALES


def fmt_number(x, lang: str = "fr", decimals: int = 2) -> str:
    """1234.5 -> "1 234,5" (fr) or "1,234.5" (en): ``i18n.number``, the same in pages and documents."""
    return i18n.number(x, decimals, norm_lang(lang))


def plural(key: str, n, lang: str = "fr", **params) -> str:
    """The catalogue entry ``<key>.one`` or ``<key>.other`` for ``n``, chosen by Babel's CLDR
    plural rules (French: 0 and 1 are singular; English: only 1)."""
    from babel import Locale

    form = Locale.parse(BABEL_LOCALE[norm_lang(lang)]).plural_form(abs(n or 0))
    return t(f"{key}.{'one' if form == 'one' else 'other'}", lang, n=fmt_number(n, lang), **params)


def parse_date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def parse_dt(value) -> datetime | None:
    """An ISO timestamp from the store (UTC) -> a naive datetime in this machine's local time."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone().replace(tzinfo=None)


def fmt_date(value, lang: str = "fr") -> str:
    """"2026-03-12" -> "12 mars 2026" / "12 March 2026" (Babel, CLDR long format)."""
    if parse_date(value) is None:
        return str(value or "")
    return i18n.long_date(parse_date(value), norm_lang(lang))


def fmt_datetime(value, lang: str = "fr") -> str:
    dt = value if isinstance(value, datetime) else parse_dt(value)
    if dt is None:
        return str(value or "")
    if norm_lang(lang) == "fr":
        return f"{fmt_date(dt.date(), lang)} à {dt.hour}{NBSP}h{NBSP}{dt.minute:02d}"
    return f"{fmt_date(dt.date(), lang)}, {dt.hour:02d}:{dt.minute:02d}"


def fmt_short_dt(value, lang: str = "fr") -> str:
    """Compact timestamp for histories: "26/11 14:32" (fr) or "11/26 14:32" (en)."""
    dt = value if isinstance(value, datetime) else parse_dt(value)
    if dt is None:
        return ""
    if norm_lang(lang) == "fr":
        return f"{dt.day:02d}/{dt.month:02d} {dt.hour:02d}:{dt.minute:02d}"
    return f"{dt.month:02d}/{dt.day:02d} {dt.hour:02d}:{dt.minute:02d}"


def sort_key(text) -> str:
    """Case- and accent-insensitive sort key ("Éco" sorts with "eco")."""
    s = unicodedata.normalize("NFKD", str(text or "")).casefold()
    return "".join(c for c in s if not unicodedata.combining(c))


def slug(text, max_len: int = 60) -> str:
    """A file-name-safe ASCII slug."""
    s = sort_key(str(text or "").replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
                 .replace("ß", "ss"))
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return (s[:max_len].strip("-")) or "x"


def short_slug(text, max_len: int = 40) -> str:
    """A slug of at most ``max_len`` characters, cut at a word boundary ("atelier-de-detection")."""
    s = slug(text, 10 ** 6)
    if len(s) <= max_len:
        return s
    cut = s[:max_len + 1].rsplit("-", 1)[0] if "-" in s[:max_len + 1] else s[:max_len]
    return cut.strip("-") or s[:max_len]


# -- the snapshot --------------------------------------------------------------

@dataclass
class Data:
    lang: str
    workshop: dict
    organisations: list  # sorted by name, hidden ones included (flag ``hidden``)
    sheets: list  # creation order, each with ``ref`` (1, 2, …)
    ideas: list  # creation order, each with ``ref``
    facilitators: list
    devices: list
    stats: dict
    seq: int = 0  # the journal position this data is consistent with (shown on covers)
    orgs_by_id: dict = field(default_factory=dict)
    sheets_by_id: dict = field(default_factory=dict)
    ideas_by_id: dict = field(default_factory=dict)
    facs_by_id: dict = field(default_factory=dict)
    sheets_by_org: dict = field(default_factory=dict)
    ideas_by_org: dict = field(default_factory=dict)
    _events: list | None = None
    _history: dict | None = None
    _store: object = None
    suggestions: list = field(default_factory=list)  # accepted and dismissed suggestions (decisions)

    # labels
    def t(self, key, **params) -> str:
        return t(key, self.lang, **params)

    def label(self, group, value) -> str:
        return label(group, value, self.lang)

    def typo(self, text) -> str:
        return typo(text, self.lang)

    def colon(self, lab, value) -> str:
        """"Label : value" with the French non-breaking space, "Label: value" in English."""
        return f"{lab}{NBSP}: {value}" if self.lang == "fr" else f"{lab}: {value}"

    def date(self, value) -> str:
        return fmt_date(value, self.lang)

    def number(self, x) -> str:
        return fmt_number(x, self.lang)

    def plural(self, key, n, **params) -> str:
        return plural(key, n, self.lang, **params)

    def org_name(self, org_id) -> str:
        o = self.orgs_by_id.get(org_id)
        return (o or {}).get("name") or ""

    def fac_name(self, fac_id) -> str:
        f = self.facs_by_id.get(fac_id)
        return (f or {}).get("name") or ""

    def category_label(self, sheet_or_idea) -> str:
        cat = self.label("cat", sheet_or_idea.get("category"))
        sub = self.label("sub", sheet_or_idea.get("subcategory")) if sheet_or_idea.get("subcategory") else ""
        return f"{cat} › {sub}" if sub else cat

    def quantity(self, sheet) -> str:
        """"30 t", "1 200 kg", "" when no quantity."""
        q = sheet.get("quantity")
        unit = self.label("unit", sheet.get("unit")) or (sheet.get("unit_label") or "")  # "soirées" as imported
        if q is None or q == "":
            return ""
        return f"{self.number(q)}{NBSP}{unit}" if unit else self.number(q)

    def organiser_contact(self) -> str:
        """"Name · email · phone" of whoever organises the workshop ("" when none was given)."""
        w = self.workshop
        return " · ".join(x for x in (w.get("organiser_name"), w.get("organiser_email"),
                                      (w.get("organiser_phone") or "").replace(" ", NBSP)) if x)

    def logo(self) -> bytes | None:
        """The workshop's logo (PNG bytes) or None."""
        sha = self.workshop.get("logo_sha")
        if not sha or self._store is None:
            return None
        found = self._store.blob(sha)
        return found[0] if found else None

    # filters used by several documents
    def live_orgs(self) -> list:
        return [o for o in self.organisations if not o.get("hidden")]

    def live_ideas(self) -> list:
        """Ideas shown in documents: not hidden by moderation, not merged into another."""
        return [i for i in self.ideas if not i.get("hidden") and not i.get("merged_into")]

    def sheet_public(self, sheet) -> bool:
        """May this sheet appear in a document everyone may read?"""
        return (not sheet.get("hidden") and sheet.get("visibility") != "facilitators"
                and sheet.get("state") != "withdrawn"
                and not (self.orgs_by_id.get(sheet.get("organisation_id")) or {}).get("hidden"))

    def confidential(self, sheet) -> bool:
        return sheet.get("visibility") == "facilitators"

    # the journal, read only when a document needs it
    def events(self) -> list:
        """Every journal row, ``before``/``after`` decoded."""
        if self._events is None:
            from .. import journal

            self._events = [e for e in journal.all_events(self._store) if e["seq"] <= self.seq]
        return self._events

    def status_history(self) -> dict:
        """idea id -> [(at, actor_label, from_status, to_status, action, reason)], oldest first.

        Read with ``json_extract`` so the big before/after documents are not decoded."""
        if self._history is None:
            rows = self._store.rows(
                "SELECT seq, at, actor_label, action, entity_id, json_extract(before, '$.status') AS b, "
                "json_extract(after, '$.status') AS a, json_extract(after, '$.abandon_reason') AS r "
                "FROM events WHERE entity = 'idea' AND seq <= ? ORDER BY seq", [self.seq])
            out: dict = {}
            for r in rows:
                if r["b"] == r["a"]:
                    continue
                out.setdefault(r["entity_id"], []).append(
                    (r["at"], r["actor_label"], r["b"], r["a"], r["action"], r["r"]))
            self._history = out
        return self._history

    def history_summary(self, idea_id) -> str:
        """"26/11 14:32 Nouvelle (Léa) ; 26/11 15:02 Nouvelle → À approfondir (Table 3)" in one cell."""
        parts = []
        for at, who, b, a, _action, reason in self.status_history().get(idea_id, []):
            when = fmt_short_dt(at, self.lang)
            what = self.label("status", a) if b is None else f"{self.label('status', b)} → {self.label('status', a)}"
            if a == "abandoned" and reason:
                what += f" ({self.label('reason', reason)})"
            parts.append(f"{when} {what}" + (f" [{who}]" if who else ""))
        return " ; ".join(parts) if self.lang != "fr" else (NBSP + "; ").join(parts)


def load(ws, lang: str = "fr") -> Data:
    """Read the whole workshop once: one snapshot under the store's lock."""
    from ..services.workshops import stats as ws_stats

    store = ws.store
    lang = norm_lang(lang)
    with store.snapshot():
        seq = store.last_seq()
        info = store.workshop()
        orgs = store.all("organisation")
        sheets = store.all("sheet")
        ideas = store.all("idea")
        facs = store.all("facilitator", order="table_no, name COLLATE NOCASE, id")
        devices = store.all("device")
        decided = store.all("suggestion", "state IN ('accepted', 'dismissed')", order="updated_at, id")
        stats = ws_stats(ws)
    orgs.sort(key=lambda o: (sort_key(o.get("name")), o["id"]))
    for n, s in enumerate(sheets, 1):
        s["ref"] = n
    for n, i in enumerate(ideas, 1):
        i["ref"] = n
        if not isinstance(i.get("org_ids"), list):
            i["org_ids"] = []
        if not isinstance(i.get("interest"), dict):
            i["interest"] = {}
    d = Data(lang=lang, workshop=info or {}, organisations=orgs, sheets=sheets, ideas=ideas, facilitators=facs,
             devices=devices, stats=stats, seq=seq, _store=store, suggestions=decided)
    d.orgs_by_id = {o["id"]: o for o in orgs}
    d.sheets_by_id = {s["id"]: s for s in sheets}
    d.ideas_by_id = {i["id"]: i for i in ideas}
    d.facs_by_id = {f["id"]: f for f in facs}
    for s in sheets:
        d.sheets_by_org.setdefault(s.get("organisation_id"), []).append(s)
    for i in ideas:
        for oid in i["org_ids"]:
            d.ideas_by_org.setdefault(oid, []).append(i)
    return d


def counts(d: Data, *, public: bool = False) -> dict:
    """Key figures for covers (from the same rules as the live counters)."""
    s = dict(d.stats)
    if public:  # the public edition counts only the sheets it shows
        shown = [x for x in d.sheets if d.sheet_public(x)]
        s["sheets"] = len(shown)
        s["offers"] = sum(1 for x in shown if x.get("kind") == "offer")
        s["needs"] = sum(1 for x in shown if x.get("kind") == "need")
    return {
        "organisations": s.get("organisations", 0),
        "present": s.get("organisations", 0) - s.get("represented", 0),
        "represented": s.get("represented", 0),
        "facilitators": s.get("facilitators", 0),
        "sheets": s.get("sheets", 0),
        "offers": s.get("offers", 0),
        "needs": s.get("needs", 0),
        "ideas": s.get("ideas", 0),
        "by_status": s.get("by_status", {}),
        "b2b": s.get("b2b", 0),
    }


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def ensure(source, lang: str = "fr") -> Data:
    """A :class:`Data` from a Workshop (read now) or from a Data (relabelled if ``lang`` differs)."""
    if isinstance(source, Data):
        if source.lang == norm_lang(lang):
            return source
        from dataclasses import replace

        return replace(source, lang=norm_lang(lang))
    return load(source, lang)


# -- what a reader may see ------------------------------------------------------
# ``viewer`` is "organiser" (everything but moderated records), "public" (what any
# participant may read) or an organisation id (public + that organisation's own).

ORGANISER_VIEW = "organiser"
PUBLIC_VIEW = "public"


def sheet_visible(d: Data, sheet, viewer) -> bool:
    if not sheet or sheet.get("hidden"):
        return False
    if viewer == ORGANISER_VIEW:
        return True
    if viewer not in (PUBLIC_VIEW, None) and sheet.get("organisation_id") == viewer:
        return True
    return d.sheet_public(sheet)


def idea_resource(d: Data, idea, viewer) -> str:
    """The sheet(s) behind an idea, as the reader may see them."""
    parts = []
    for key in ("offer_sheet_id", "need_sheet_id"):
        s = d.sheets_by_id.get(idea.get(key))
        if s is None:
            continue
        if sheet_visible(d, s, viewer):
            parts.append(s.get("title") or "")
        else:
            parts.append(d.t("exp.masked_resource"))
    if not parts:
        return d.label("cat", idea.get("category"))
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return " / ".join(parts)


def idea_title(d: Data, idea, viewer) -> str:
    """The idea's title, unless it quotes a sheet this reader may not see (automatic titles do)."""
    title = idea.get("title") or ""
    for key in ("offer_sheet_id", "need_sheet_id"):
        s = d.sheets_by_id.get(idea.get(key))
        if s and not sheet_visible(d, s, viewer) and (s.get("title") or "\0") in title:
            return d.t("exp.idea_masked", n=idea["ref"], cat=d.label("cat", idea.get("category")))
    return title


def idea_parties(d: Data, idea, *, limit: int | None = None) -> str:
    """"Provider → Receiver" for an exchange, "A, B, C" for a pooling (every name unless ``limit``)."""
    ids = idea.get("org_ids") or []
    names = [d.org_name(o) or "?" for o in ids]
    if idea.get("kind") == "exchange" and len(names) == 2:
        return f"{names[0]} → {names[1]}"
    if limit is None:
        return ", ".join(names)
    extra = len(names) - limit
    shown = ", ".join(names[:limit])
    return shown + (" " + d.t("exp.more_orgs", n=extra) if extra > 0 else "")


def idea_next(d: Data, idea, *, private: bool) -> str:
    """Next step and due date; with ``private`` the reason an abandoned idea was dropped."""
    out = idea.get("next_step") or ""
    if idea.get("due_date"):
        due = d.t("exp.due", d=d.date(idea["due_date"]))
        out = f"{out} ({due})" if out else due
    if private and idea.get("status") == "abandoned" and idea.get("abandon_reason"):
        reason = d.colon(d.label('status', 'abandoned'), d.label('reason', idea['abandon_reason']))
        out = f"{reason}. {out}" if out else reason
    return d.typo(out)


def sheet_meta(d: Data, s, *, with_org: bool = False, org_label: str | None = None) -> str:
    """One line about a sheet: kind, category, quantity, frequency, terms, ref."""
    parts = [d.t(f"exp.kind.{s.get('kind')}") if s.get("kind") in ("offer", "need") else ""]
    if with_org:
        parts.append(org_label if org_label is not None else d.org_name(s.get("organisation_id")))
    parts += [d.category_label(s), d.quantity(s), d.label("freq", s.get("frequency")),
              d.label("terms", s.get("terms")), d.label("cond", s.get("condition")),
              d.t("exp.ref", n=s["ref"])]
    if s.get("paper_no"):
        parts.append(d.t("exp.paper_no", n=s["paper_no"]))
    return " · ".join(p for p in parts if p)


def sheet_details(d: Data, s) -> str:
    parts = []
    a, b = s.get("available_from"), s.get("available_until")
    if a or b:
        span = " ".join(x for x in (d.t("exp.from", d=d.date(a)) if a else "",
                                    d.t("exp.until", d=d.date(b)) if b else "") if x)
        parts.append(f"{d.t('exp.available')} {span}")
    if s.get("waste_code"):
        parts.append(d.t("exp.waste_code", c=s["waste_code"]))
    if s.get("logistics"):
        parts.append(d.colon(d.t('exp.logistics'), s['logistics']))
    return d.typo(" · ".join(parts))
