"""Step 4: the whole plan of an import, before anything is written.

``analyse`` reads the file, maps its columns and values (the user's choices
first, then what was remembered for the same headers, then what is recognised),
parses every row into the values that will be stored, and says for each row
whether it will be created, update a record already there, be skipped as already
present, or be rejected (with its reasons in the user's language). The plan is a
plain JSON-able dict; ``apply`` writes it. It is rebuilt from the file at
confirmation, so the preview and the write cannot differ (its ``digest`` says so).
"""
from __future__ import annotations

import hashlib
import json

from ..exports import data as D
from ..rules import names, validation as V, vocab
from . import headers as H, spec, values as X
from .read import ReadError, read_book_off_loop
from .spec import CREATE, OTHER, REJECT, key

MAX_ROWS = 10000
ORG_DEFAULTS = {"kind": "company", "presence": "present", "consent": False, "hidden": False}
SHEET_DEFAULTS = {"visibility": "all", "anonymous": False, "state": "open", "hidden": False}
IDENTITY = {"organisations": "name", "sheets": "title"}


class PlanError(ValueError):
    """The file cannot be imported at all; ``message`` is translated."""


def remembered(ws, signature: str) -> dict:
    if not signature:
        return {}
    rows = ws.store.rows("SELECT mapping FROM import_mappings WHERE signature = ?", [signature])
    if not rows:
        return {}
    try:
        doc = json.loads(rows[0]["mapping"])
    except (TypeError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _t(lang, k, **params):
    return D.t(k, lang, **params)


def analyse(ws, content: bytes, filename: str, kind: str, *, tab: str | None = None,
            columns: dict | None = None, values: dict | None = None, lang: str = "fr") -> dict:
    """The plan (see module docstring). ``columns``: {column key: field or ""}; ``values``:
    {field: {value key: code | "__other__" | "__reject__" | "__create__" | organisation id}}."""
    lang = D.norm_lang(lang)
    if kind not in spec.KINDS:
        raise PlanError(_t(lang, "imp.err.kind"))
    try:
        book = read_book_off_loop(content, filename)
    except ReadError as exc:
        raise PlanError(_t(lang, exc.key, **exc.params)) from None
    sheet = book.tab(tab) if tab else best_tab(book, kind)
    # Columns: first without choices to learn the signature, then with what was remembered for it.
    head = H.columns(sheet.rows, kind)
    memory = remembered(ws, head["signature"])
    if memory or columns:
        head = H.columns(sheet.rows, kind, overrides=columns or {}, remembered=memory.get("columns") or {})
    plan = {
        "kind": kind, "filename": filename, "lang": lang,
        "file": {"format": book.format, "encoding": book.encoding, "delimiter": book.delimiter,
                 "tabs": [{"name": t.name, "rows": len(t.rows)} for t in book.tabs], "tab": sheet.name},
        "header_lines": head["header_lines"], "signature": head["signature"], "columns": head["columns"],
        "values": [], "rows": [], "new_orgs": [], "problems": [],
        "counts": {"create": 0, "update": 0, "skip": 0, "reject": 0}, "remembered": bool(memory),
        "field_choices": [{"field": f, "label": spec.field_label(kind, f, lang)} for f in spec.FIELDS[kind]],
    }
    if not head["columns"]:
        need = ", ".join(spec.field_label(kind, f, lang) for f in spec.REQUIRED[kind][:1])
        raise PlanError(_t(lang, "imp.err.no_header", fields=need))
    if len(head["data"]) > MAX_ROWS:
        raise PlanError(_t(lang, "imp.err.too_many_rows", max=MAX_ROWS))
    fieldcol = {c["field"]: c["index"] for c in head["columns"] if c["field"]}
    for f in spec.REQUIRED[kind]:
        if f not in fieldcol:
            plan["problems"].append(_t(lang, "imp.err.missing_column", field=spec.field_label(kind, f, lang)))
    undecided = [c for c in head["columns"] if c["status"] in ("unknown", "duplicate")]
    plan["undecided_columns"] = len(undecided)
    value_choices = dict(memory.get("values") or {})
    for f, m in (values or {}).items():
        value_choices[f] = {**value_choices.get(f, {}), **m}
    ctx = _Context(ws, kind, lang, fieldcol, head["data"], value_choices)
    plan["values"] = ctx.value_issues()
    plan["undecided_values"] = sum(1 for v in plan["values"] if not v["confirmed"])
    if not plan["problems"]:
        plan["rows"] = ctx.rows()
        # Only the organisations that rows to create actually need (not those of refused rows).
        wanted = {r["values"].get("organisation_new") for r in plan["rows"] if r["action"] == "create"}
        plan["new_orgs"] = [o for o in ctx.new_org_list() if o["key"] in wanted]
        for r in plan["rows"]:
            plan["counts"][r["action"]] += 1
    plan["fields"] = [f for f in spec.FIELDS[kind] if f in fieldcol or f in ctx.derived_fields]
    plan["field_labels"] = {f: spec.field_label(kind, f, lang) for f in spec.FIELDS[kind]}
    plan["digest"] = digest(plan)
    plan["message"] = summary(plan)
    return plan


def best_tab(book, kind):
    """The tab that reads best as this kind of file (its required columns, then the most recognised
    ones); the first tab with data when none does. A notes tab in front is passed over."""
    best, best_score = None, 0
    for t in book.tabs:
        if not t.rows:
            continue
        fields = {c["field"] for c in H.columns(t.rows, kind)["columns"] if c["field"]}
        score = 100 * sum(1 for f in spec.REQUIRED[kind] if f in fields) + len(fields)
        if score > best_score:
            best, best_score = t, score
    return best or book.tab()


def digest(plan) -> str:
    rows = [(r["line"], r["action"], r.get("target"), sorted((r.get("changes") or {}).keys())) for r in plan["rows"]]
    return hashlib.sha1(json.dumps([rows, plan["new_orgs"]], default=str).encode()).hexdigest()[:16]


def summary(plan) -> str:
    lang, c = plan["lang"], plan["counts"]
    if plan["problems"]:
        return " ".join(plan["problems"])
    return _t(lang, "imp.summary", create=c["create"], update=c["update"], skip=c["skip"], reject=c["reject"])


class _Context:
    def __init__(self, ws, kind, lang, fieldcol, data, choices):
        self.ws, self.kind, self.lang, self.fieldcol, self.data = ws, kind, lang, fieldcol, data
        self.choices = choices
        self.types = spec.FIELDS[kind]
        self.orgs = ws.store.all("organisation")
        self.org_by_norm: dict = {}
        for o in self.orgs:
            self.org_by_norm.setdefault(names.normalise_name(o["name"]), o)
        self.org_by_id = {o["id"]: o for o in self.orgs}
        self.new_orgs: dict = {}
        self.derived_fields: set = set()
        self._resolved: dict = {}  # distinct values are few: each is resolved once

    # -- cells -----------------------------------------------------------------------------
    def cell(self, cells, field):
        i = self.fieldcol.get(field)
        if i is None or i >= len(cells):
            return None
        v = cells[i]
        if isinstance(v, str) and not v.strip():
            return None
        return v

    def _unit_in_quantity(self, cells):
        """"12 tonnes" in the quantity column and no unit column: the unit comes from there."""
        if self.kind != "sheets" or self.cell(cells, "unit") is not None:
            return None
        try:
            return X.parse_number(self.cell(cells, "quantity"))[1]
        except X.Bad:
            return None

    def _enum_cells(self):
        """(field, group, raw) of every cell that takes a value from a fixed list."""
        for _, cells in self.data:
            for field, (typ, group, _) in self.types.items():
                if group is None or field not in self.fieldcol:
                    continue
                raw = self.cell(cells, field)
                if raw is not None and X.clean_text(raw) is not None:
                    yield field, group, raw
            u = self._unit_in_quantity(cells)
            if u:
                yield "unit", "unit", u

    # -- values ------------------------------------------------------------------------------
    def resolve(self, field, group, raw):
        """(code or None, "standard"|"mapped", label text to keep or None, choice) for one cell."""
        memo = (field, group, type(raw), raw)
        if memo not in self._resolved:
            self._resolved[memo] = self._resolve(field, group, raw)
        return self._resolved[memo]

    def _resolve(self, field, group, raw):
        text = X.clean_text(raw)
        if group == "organisation":
            return self._org(text)
        if group == "bool" and isinstance(raw, (bool, int, float)):
            return ("yes" if raw else "no"), "standard", None, None
        code = X.standard(group, text)
        if code:
            return code, "standard", None, None
        if group == "cat":
            sub = X.subcategory_of(text)
            if sub:
                return sub, "standard", None, None
        choice = (self.choices.get(field) or {}).get(key(text))
        if choice is None:
            choice = X.propose(group, text)
            if choice == OTHER and not self.types[field][2] and "other" not in spec.CODES[group]:
                choice = REJECT  # nowhere to keep the text: the user picks a value or the rows are refused
        return choice, "mapped", text, choice

    def _org(self, text):
        norm = names.normalise_name(text)
        org = self.org_by_norm.get(norm)
        if org:
            return org["id"], "standard", None, None
        choice = (self.choices.get("organisation") or {}).get(key(text))
        if choice is None:
            close = names.close_matches(text, self.orgs, limit=1)
            choice = close[0]["id"] if close and close[0]["score"] >= 0.9 else CREATE
        return choice, "mapped", text, choice

    def value_issues(self) -> list:
        seen: dict = {}
        for field, group, raw in self._enum_cells():
            text = X.clean_text(raw)
            code, how, _, choice = self.resolve(field, group, raw)
            if how == "standard":
                continue
            k = (field, key(text))
            if k not in seen:
                typ, _, label_field = self.types[field]
                confirmed = key(text) in (self.choices.get(field) or {})
                seen[k] = {"field": field, "field_label": spec.field_label(self.kind, field, self.lang),
                           "group": group, "raw": text, "key": key(text), "count": 0, "choice": choice,
                           "label_field": label_field, "confirmed": confirmed,
                           "choice_label": self.choice_label(group, choice),
                           "accepted": self.accepted(group)}
            seen[k]["count"] += 1
        return sorted(seen.values(), key=lambda v: (list(self.types).index(v["field"]), -v["count"], v["key"]))

    def accepted(self, group):
        if group == "organisation":
            return ""
        return X.accepted(group, self.lang)

    def choice_label(self, group, choice):
        if choice == OTHER:
            return D.t("imp.v.other", self.lang)
        if choice == REJECT:
            return D.t("imp.v.reject", self.lang)
        if choice == CREATE:
            return D.t("imp.v.create", self.lang)
        if group == "organisation":
            o = self.org_by_id.get(choice)
            return o["name"] if o else D.t("imp.v.reject", self.lang)
        return spec.value_label(group, choice, self.lang)

    # -- rows ---------------------------------------------------------------------------------
    def rows(self) -> list:
        existing = self._existing()
        seen: dict = {}
        out = []
        for line, cells in self.data:
            out.append(self._row(line, cells, existing, seen))
        return out

    def new_org_list(self):
        return [{"name": n, "key": k} for k, n in sorted(self.new_orgs.items())]

    def _existing(self):
        if self.kind == "organisations":
            return {"by_id": self.org_by_id, "by_norm": self.org_by_norm}
        by_paper, by_title, by_id = {}, {}, {}
        for s in self.ws.store.all("sheet"):
            by_id[s["id"]] = s
            if s.get("paper_no"):
                by_paper.setdefault((s["organisation_id"], key(s["paper_no"])), s)
            by_title.setdefault(_sheet_key(s), s)
        return {"by_id": by_id, "by_paper": by_paper, "by_title": by_title}

    def _row(self, line, cells, existing, seen):
        lang = self.lang
        rec, errors, notes, shown = {}, [], [], {}
        for field, (typ, group, label_field) in self.types.items():
            if field not in self.fieldcol and not (field == "unit" and self._unit_in_quantity(cells)):
                continue
            raw = self.cell(cells, field)
            if field == "unit" and raw is None:
                raw = self._unit_in_quantity(cells)
                if raw:
                    self.derived_fields.add("unit")
            if raw is None or X.clean_text(raw) is None:
                continue
            flabel = spec.field_label(self.kind, field, lang)
            try:
                if typ == "enum" or typ == "bool" or typ == "org":
                    code, how, text, choice = self.resolve(field, group, raw)
                    if code == REJECT:
                        errors.append(D.t("imp.bad.rejected_value", lang, field=flabel, value=text))
                        continue
                    if typ == "org":
                        if code == CREATE:
                            self.new_orgs.setdefault(names.normalise_name(text), text)
                            rec["organisation_new"] = names.normalise_name(text)
                            rec["organisation_name"] = text
                        elif code in self.org_by_id:
                            rec["organisation_id"] = code
                            rec["organisation_name"] = self.org_by_id[code]["name"]
                        else:
                            errors.append(D.t("imp.bad.unknown_org", lang, value=text))
                        continue
                    if typ == "bool":
                        if code not in ("yes", "no"):
                            errors.append(D.t("imp.bad.value", lang, field=flabel, value=text,
                                              accepted=X.accepted("bool", lang)))
                            continue
                        rec[field] = code == "yes"
                        continue
                    if field == "category" and isinstance(code, tuple):
                        rec["category"] = code[0]
                        rec.setdefault("subcategory", code[1])
                        continue
                    if code == OTHER:
                        code = "other" if "other" in spec.CODES[group] else None
                    elif code not in spec.CODES[group]:
                        errors.append(D.t("imp.bad.value", lang, field=flabel, value=text,
                                          accepted=X.accepted(group, lang)))
                        continue
                    if code is None and not label_field:
                        errors.append(D.t("imp.bad.value", lang, field=flabel, value=text,
                                          accepted=X.accepted(group, lang)))
                        continue
                    if code is not None:
                        rec[field] = code
                    if how == "mapped" and label_field:
                        rec[label_field] = text  # the original text is kept
                        self.derived_fields.add(label_field)
                elif typ == "number":
                    v, _ = X.parse_number(raw)
                    rec[field] = v
                elif typ == "int":
                    rec[field] = X.parse_int(raw)
                elif typ == "date":
                    v, note = X.parse_date(raw)
                    rec[field] = v
                    if note:
                        notes.append(D.t(note[0], lang, field=flabel, **note[1]))
                elif typ == "phone":
                    v, note = X.parse_phone(raw)
                    rec[field] = v
                    if note:
                        notes.append(D.t(note[0], lang, field=flabel, **note[1]))
                elif typ == "email":
                    v, note = X.parse_email(raw)
                    rec[field] = v
                    if note:
                        notes.append(D.t(note[0], lang, field=flabel, **note[1]))
                elif typ == "postcode":
                    v, note = X.parse_postcode(raw)
                    rec[field] = v
                    if note:
                        notes.append(D.t(note[0], lang, field=flabel, **note[1]))
                elif typ in ("code", "id"):
                    rec[field] = X.clean_text(raw)
                else:  # text; a label column of the file wins over the text kept from a mapped value
                    rec[field] = X.clean_text(raw)
            except X.Bad as exc:
                errors.append(D.t("imp.bad.field", lang, field=flabel,
                                  message=D.t(exc.key, lang, **exc.params)))
        errors += self._validate(rec)
        row = {"line": line, "values": {k: v for k, v in rec.items()}, "notes": notes, "errors": errors,
               "display": self._display(rec)}
        if errors:
            row["action"] = "reject"
            return row
        target = self._match(rec, existing)
        ident = self._identity(rec)
        if ident in seen:
            row["action"], row["errors"] = "reject", [D.t("imp.bad.duplicate", lang, line=seen[ident])]
            return row
        seen[ident] = line
        if target is None:
            row["action"] = "create"
            if rec.get("id") and (self.ws.store.get("organisation", rec["id"]) or self.ws.store.get("sheet", rec["id"])):
                rec.pop("id")  # the id is taken by another record: a new one is made
            return row
        row["target"] = target["id"]
        changes = {}
        for f, v in rec.items():
            if f in ("id", "organisation_new", "organisation_name"):
                continue
            old = target.get(f)
            if isinstance(v, bool):
                old = bool(old) if old is not None else None
            if isinstance(v, float) and isinstance(old, (int, float)):
                same = abs(float(old) - v) < 1e-9
            else:
                same = old == v
            if not same:
                changes[f] = [old, v]
        row["changes"] = changes
        row["was"] = {f: (self._display({f: old}).get(f) if old is not None else None) for f, (old, _) in changes.items()}
        row["action"] = "update" if changes else "skip"
        return row

    def _display(self, rec) -> dict:
        """Each stored value as the user reads it: labels for codes, oui/non, 1 200,5."""
        out = {}
        for f, (typ, group, _) in self.types.items():
            v = rec.get("organisation_name") if f == "organisation" else rec.get(f)
            if v is None:
                continue
            if typ == "enum":
                out[f] = spec.value_label(group, v, self.lang)
            elif typ == "bool":
                out[f] = spec.value_label("bool", "yes" if v else "no", self.lang)
            elif typ == "number":
                out[f] = _num(v, self.lang)
            else:
                out[f] = str(v)
        return out

    def _identity(self, rec):
        if self.kind == "organisations":
            return names.normalise_name(rec.get("name"))
        org = rec.get("organisation_id") or ("new", rec.get("organisation_new"))
        if rec.get("paper_no"):
            return (org, "paper", key(rec["paper_no"]))
        return (org, rec.get("kind"), key(rec.get("title")), rec.get("quantity"))

    def _match(self, rec, existing):
        if rec.get("id") and rec["id"] in existing["by_id"]:
            return existing["by_id"][rec["id"]]
        if self.kind == "organisations":
            return existing["by_norm"].get(names.normalise_name(rec.get("name")))
        oid = rec.get("organisation_id")
        if not oid:
            return None
        if rec.get("paper_no"):
            hit = existing["by_paper"].get((oid, key(rec["paper_no"])))
            if hit:
                return hit
        hit = existing["by_title"].get(_sheet_key({**rec, "organisation_id": oid}))
        if hit and rec.get("paper_no") and hit.get("paper_no") and key(hit["paper_no"]) != key(rec["paper_no"]):
            return None  # same title, another paper sheet: a sheet of its own
        return hit

    def _validate(self, rec) -> list:
        lang = self.lang
        if self.kind == "organisations":
            data = {k: v for k, v in rec.items() if k in V.ORG_FIELDS}
            schema = V.ORGANISATION_CREATE
        else:
            data = {k: v for k, v in rec.items() if k in V.SHEET_FIELDS and k != "organisation_id"}
            if not rec.get("organisation_id") and not rec.get("organisation_new"):
                return [D.t("imp.bad.field", lang, field=spec.field_label(self.kind, "organisation", lang),
                            message=D.t("exp.imp.err.required", lang))]
            schema = V.S("SheetImport", **{k: f for k, f in V.SHEET_CREATE.fields.items() if k != "organisation_id"})
        data["id"] = "00000000-0000-4000-8000-000000000000"
        _, errs = V.validate(schema, data)
        out = []
        for f, (k, params) in errs.items():
            if f == "id":
                continue
            msg = D.t(f"exp.imp.{k}", lang, **params)
            if msg.startswith("exp.imp."):
                msg = D.t("exp.imp.err.other", lang)
            if k == "err.required":
                msg = D.t("imp.bad.required", lang)
            out.append(D.t("imp.bad.field", lang, field=spec.field_label(self.kind, f, lang),
                           message=msg))
        if self.kind == "sheets" and not out:
            sub, cat = rec.get("subcategory"), rec.get("category")
            if sub and cat and sub not in vocab.CATEGORIES.get(cat, []):
                out.append(D.t("imp.bad.field", lang, field=spec.field_label(self.kind, "subcategory", lang),
                               message=D.t("imp.bad.sub_of", lang, cat=spec.value_label("cat", cat, lang))))
            a, b = rec.get("available_from"), rec.get("available_until")
            if a and b and b < a:
                out.append(D.t("imp.bad.field", lang, field=spec.field_label(self.kind, "available_until", lang),
                               message=D.t("exp.imp.err.date_order", lang)))
        if rec.get("id") and not V.UUID_RE.match(str(rec["id"])):
            rec.pop("id")
        return out


def _num(v, lang) -> str:
    s = f"{v:,.6f}".rstrip("0").rstrip(".")
    return s.replace(",", "\u00a0").replace(".", ",") if lang == "fr" else s


def _sheet_key(s):
    q = s.get("quantity")
    return (s.get("organisation_id"), s.get("kind"), key(s.get("title")), None if q is None else round(float(q), 6))
