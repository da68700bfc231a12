"""Imports from CSV or XLSX: the registered organisations, and sheets typed in
from paper in bulk.

French or English headers (and the headers of our own exports), ``;`` or ``,``
(or tab), UTF-8 (with or without BOM) or Windows-1252; enum values as codes,
French or English labels or common synonyms. Every row is validated with the
same schemas as the API; a rejected row is reported with its line number in
the file (the header is line 1) and the reasons. All or nothing: if any row is
rejected nothing is written; a dry run never writes. Real writes go through the
services with the organiser as actor, so they are journaled and broadcast.
"""
from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime

from .. import i18n
from ..rules import validation as V, vocab
from . import data as D

ORGANISER = {"role": "organiser", "id": "organiser", "label": "Organisateur·rice", "org": None}
MAX_ROWS = 10000


def key(text) -> str:
    """Header or value normalised for matching: no accents, no case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", D.sort_key(str(text or "")))


# -- columns ----------------------------------------------------------------------

ORG_COLUMNS = {
    "name": ["nom", "name", "structure", "organisation", "organization", "raisonsociale", "nomdelastructure",
             "entreprise", "societe", "company"],
    "kind": ["type", "kind", "typedestructure", "typedorganisation", "organisationtype", "forme"],
    "sector": ["secteur", "sector", "naf", "codenaf", "nace", "secteurnaf", "sectornace", "codeape", "ape"],
    "commune": ["commune", "ville", "city", "town", "municipality", "localite"],
    "postcode": ["codepostal", "cp", "postcode", "postalcode", "zip", "zipcode"],
    "zone": ["zone", "territoire", "territory"],
    "contact_name": ["contact", "contactname", "nomducontact", "personne", "personnecontact", "interlocuteur",
                     "referent", "contactperson"],
    "email": ["email", "mail", "courriel", "adressemail", "adresseemail", "emailaddress", "adresseelectronique"],
    "phone": ["telephone", "tel", "phone", "portable", "mobile", "phonenumber", "numerodetelephone"],
    "consent": ["consentement", "consent", "accordpartagecoordonnees", "consenttosharecontact", "partagecoordonnees"],
    "presence": ["presence", "present"],
    "table_no": ["table", "tableno", "numerodetable", "ndetable", "notable", "tablenumber", "table_no"],
}
SHEET_COLUMNS = {
    "organisation": ["structure", "organisation", "organization", "nomdelastructure", "org", "entreprise",
                     "company"],
    "kind": ["type", "kind", "offreoubesoin", "offrebesoin", "offerneed", "offeroneed", "offredemande", "sens",
             "typedefiche", "sheetkind", "offrerecherche"],
    "paper_no": ["nfichepapier", "nofichepapier", "fichepapier", "papier", "paperno", "papersheetno", "nfiche",
                 "numerofiche", "paper"],
    "category": ["categorie", "category", "cat"],
    "subcategory": ["souscategorie", "subcategory", "souscat"],
    "title": ["titre", "title", "ressource", "resource", "intitule", "libelle"],
    "description": ["description", "details", "detail", "precisions"],
    "quantity": ["quantite", "quantity", "qte", "volume"],
    "unit": ["unite", "unit"],
    "frequency": ["frequence", "frequency", "periodicite"],
    "available_from": ["disponibleapartirdu", "availablefrom", "datededebut", "debut", "from", "du"],
    "available_until": ["disponiblejusquau", "availableuntil", "datedefin", "fin", "until", "au"],
    "condition": ["etat", "condition"],
    "waste_code": ["codedechet", "wastecode", "ced", "codeced", "lod"],
    "logistics": ["logistique", "logistics"],
    "terms": ["conditions", "terms", "modalites", "modalite"],
    "visibility": ["visibilite", "visibility"],
    "anonymous": ["anonyme", "anonymous", "anonymedanslalettre", "anonymousintheletter"],
}

# -- values -----------------------------------------------------------------------

SYNONYMS = {
    "org_kind": {"company": ["entreprise", "societe", "business", "sarl", "sas", "sa", "pme", "industrie"],
                 "craftsman": ["artisan", "artisane", "artisanat"],
                 "ess": ["association", "ess", "cooperative", "scic", "scop", "economiesocialeetsolidaire",
                         "socialeconomy", "insertion"],
                 "authority": ["collectivite", "collectivitelocale", "mairie", "epci", "localauthority",
                               "authority", "communaute", "communautedecommunes", "departement", "region"],
                 "other": ["autre", "other"]},
    "presence": {"present": ["present", "presente", "presents", "oui", "yes", "sursite"],
                 "represented": ["represente", "representee", "represented", "absent", "absente"]},
    "sheet_kind": {"offer": ["offre", "offer", "jepropose", "propose", "proposition", "o", "don", "disponible"],
                   "need": ["besoin", "need", "demande", "jerecherche", "recherche", "b", "d", "n", "recherchee"]},
    "unit": {"t": ["t", "tonne", "tonnes", "tons", "tonnesan"], "kg": ["kg", "kilo", "kilos", "kilogrammes"],
             "m3": ["m3", "metrecube", "metrescubes"], "L": ["l", "litre", "litres", "liters"],
             "pieces": ["pieces", "piece", "pcs", "unites", "unite", "u", "items"],
             "pallets": ["palettes", "palette", "pallets", "pallet"], "MWh": ["mwh"], "kW": ["kw"],
             "m2": ["m2", "metrecarre", "metrescarres"], "hours": ["heures", "heure", "h", "hours"],
             "person_days": ["jourspersonne", "jourpersonne", "jh", "persondays", "jours", "days"]},
    "freq": {"one_off": ["ponctuel", "ponctuelle", "unique", "unefois", "oneoff", "once"],
             "daily": ["quotidien", "quotidienne", "parjour", "jour", "daily"],
             "weekly": ["hebdomadaire", "parsemaine", "semaine", "weekly"],
             "monthly": ["mensuel", "mensuelle", "parmois", "mois", "monthly"],
             "yearly": ["annuel", "annuelle", "paran", "an", "annee", "yearly", "annual"],
             "seasonal": ["saisonnier", "saisonniere", "saison", "seasonal"]},
    "cond": {"new": ["neuf", "neuve", "new"], "used": ["occasion", "dococcasion", "usage", "usagee", "used"],
             "to_repair": ["areparer", "torepair", "hs", "enpanne"]},
    "terms": {"free": ["gratuit", "gratuite", "don", "free", "gratis"], "sale": ["vente", "payant", "sale", "aacheter"],
              "swap": ["echange", "troc", "swap"], "to_discuss": ["adiscuter", "anegocier", "todiscuss", "negociable"]},
    "visibility": {"all": ["tous", "public", "toutlemonde", "everyone", "all", "visible", "visiblepartous"],
                   "facilitators": ["animateurs", "animateursseulement", "confidentiel", "confidentielle",
                                    "facilitators", "private", "prive", "facilitatorsonly"]},
}
TRUE = {"oui", "yes", "true", "vrai", "1", "x", "o", "y"}
FALSE = {"non", "no", "false", "faux", "0", "n", ""}
CODES = {"org_kind": vocab.ORG_KINDS, "presence": vocab.PRESENCE, "sheet_kind": vocab.SHEET_KINDS,
         "unit": vocab.UNITS, "freq": vocab.FREQUENCIES, "cond": vocab.CONDITIONS, "terms": vocab.TERMS,
         "visibility": vocab.VISIBILITY, "cat": vocab.CATEGORY_KEYS, "sub": vocab.SUBCATEGORY_KEYS}
# label groups of other catalogues that name the same values
ALIAS_GROUPS = {"sheet_kind": ["sheet_kind", "exp.kind"], "visibility": ["visibility", "vis"]}


def _value_map(group: str) -> dict:
    out: dict = {}
    for code in CODES[group]:
        out.setdefault(key(code), code)
        for lang in i18n.LANGS:
            for g in ALIAS_GROUPS.get(group, [group]):
                lab = i18n.catalogue(lang).get(f"{g}.{code}")
                if lab:
                    out.setdefault(key(lab), code)
        for syn in SYNONYMS.get(group, {}).get(code, []):
            out.setdefault(syn, code)
    return out


def enum_value(group: str, raw, maps: dict):
    """Raw cell -> code, or ``None`` if empty; raises ValueError if not recognised."""
    if raw is None or str(raw).strip() == "":
        return None
    m = maps.setdefault(group, _value_map(group))
    k = key(raw)
    if k in m:
        return m[k]
    if len(k) >= 3:  # "Déchets" for "Déchets et coproduits"
        hits = {code for lab, code in m.items() if lab.startswith(k)}
        if len(hits) == 1:
            return hits.pop()
    raise ValueError(str(raw))


def bool_value(raw):
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        return bool(raw)
    k = key(raw)
    if k in TRUE:
        return True
    if k in FALSE:
        return False
    raise ValueError(str(raw))


def date_value(raw):
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    s = str(raw).strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", s)
    if m:
        d_, mo, y = (int(x) for x in m.groups())
        if y < 100:
            y += 2000
        try:
            return date(y, mo, d_).isoformat()
        except ValueError:
            return s  # validation reports it
    return s[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", s) else s


def text_value(raw):
    """A cell as text: integral numbers without ".0" (phones, postcodes), our own CSV's
    anti-formula apostrophe removed."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (int, float)):
        return str(raw)
    if isinstance(raw, (datetime, date)):
        return raw.isoformat()[:10]
    s = str(raw)
    if len(s) > 1 and s[0] == "'" and s[1] in "=+-@\t\r":
        s = s[1:]
    return s


# -- reading files ------------------------------------------------------------------

class ImportError_(ValueError):
    """The file cannot be read at all; ``message`` is already translated."""


def _decode(content: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(enc)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def read_rows(content: bytes, filename: str = "") -> list:
    """``[(line_number, [cells])]`` of a CSV or XLSX file, empty rows left out."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if filename.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    return _read_csv(content)


def _parse(content: bytes, filename: str) -> list:
    """:func:`read_rows`, in a worker process when the live server runs (a big XLSX takes seconds)."""
    from .. import workers

    if workers.under_gevent():
        return workers.run_in_worker(read_rows, content, filename)
    return read_rows(content, filename)


def _read_csv(content: bytes) -> list:
    text = _decode(content)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    delim = max(counts, key=lambda d: (counts[d], d == ";"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    out, prev = [], 0
    for row in reader:
        start = prev + 1
        prev = reader.line_num
        if any(c.strip() for c in row):
            out.append((start, row))
    return out


def _read_xlsx(content: bytes) -> list:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        out = []
        for n, row in enumerate(ws.iter_rows(values_only=True), 1):
            cells = list(row)
            if any(c is not None and str(c).strip() for c in cells):
                out.append((n, cells))
            if len(out) > MAX_ROWS + 1:
                break
        return out
    finally:
        wb.close()


def _columns(header, spec) -> tuple[dict, list]:
    """Header cells -> {field: column index}; and the columns that were not recognised."""
    lookup = {}
    for field, names in spec.items():
        lookup[key(field)] = field
        for n in names:
            lookup.setdefault(n, field)
    for lang in i18n.LANGS:  # our own export headers
        for field in spec:
            lab = i18n.catalogue(lang).get(f"exp.imp.f.{field}")
            if lab:
                lookup.setdefault(key(lab), field)
    cols, ignored = {}, []
    for i, h in enumerate(header):
        k = key(h)
        field = lookup.get(k)
        if field and field not in cols:
            cols[field] = i
        elif str(h or "").strip():
            ignored.append(str(h))
    return cols, ignored


# -- the import itself ----------------------------------------------------------------

def _msg(lang, field, err) -> str:
    k, params = err
    text = D.t(f"exp.imp.{k}" if k.startswith("err.") else k, lang, **params)
    if text.startswith("exp.imp."):
        text = D.t("exp.imp.err.other", lang)
    return D.t("exp.imp.field_error", lang, field=D.t(f"exp.imp.f.{field}", lang), message=text)


def _report(kind, dry_run, lang, rows, created, rejected, ignored):
    return {"kind": kind, "dry_run": dry_run, "rows": rows, "created": created, "rejected": rejected,
            "ignored_columns": ignored, "written": False, "message": ""}


def _finish(rep, lang, write):
    n, r = len(rep["created"]), len(rep["rejected"])
    if r:
        rep["message"] = D.t("exp.imp.rejected", lang, r=r) if not rep["dry_run"] else \
            D.t("exp.imp.dry", lang, n=n, r=r)
        rep["created"] = rep["created"] if rep["dry_run"] else []
        return rep
    if rep["dry_run"]:
        rep["message"] = D.t("exp.imp.dry", lang, n=n, r=0)
        return rep
    write()
    rep["written"] = True
    rep["message"] = D.t("exp.imp.done", lang, n=n)
    return rep


def _header_or_fail(rows, spec, need, lang):
    if not rows:
        raise ImportError_(D.t("exp.imp.no_header", lang, col=D.t(f"exp.imp.f.{need}", lang)))
    if len(rows) > MAX_ROWS + 1:
        raise ImportError_(D.t("exp.imp.too_many_rows", lang, max=MAX_ROWS))
    cols, ignored = _columns(rows[0][1], spec)
    if need not in cols:
        raise ImportError_(D.t("exp.imp.no_header", lang, col=D.t(f"exp.imp.f.{need}", lang)))
    return cols, ignored


def _cell(row, cols, field):
    i = cols.get(field)
    if i is None or i >= len(row):
        return None
    v = row[i]
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def import_organisations(ws, content: bytes, filename: str = "", *, dry_run: bool = False,
                         lang: str = "fr") -> dict:
    """Import organisations; returns the report (see module docstring)::

        {"kind": "organisations", "dry_run", "rows", "written": bool, "message",
         "created": [{"line", "id", "name", "record"}],
         "rejected": [{"line", "errors": [str], "reason": str}], "ignored_columns": [str]}

    Raises :class:`ImportError_` (translated message) when the file has no usable header."""
    from ..services import organisations as svc

    lang = D.norm_lang(lang)
    try:
        rows = _parse(content, filename)
    except Exception as exc:  # a broken file must give a message, not a trace
        raise ImportError_(D.t("exp.imp.unreadable", lang, detail=type(exc).__name__)) from None
    cols, ignored = _header_or_fail(rows, ORG_COLUMNS, "name", lang)
    existing = {key(o["name"]) for o in ws.store.all("organisation")}
    seen: dict = {}
    maps: dict = {}
    created, rejected = [], []
    for line, row in rows[1:]:
        errors = []
        rec = {"id": str(uuid.uuid4())}
        for field in ("name", "sector", "commune", "postcode", "zone", "contact_name", "email", "phone"):
            v = text_value(_cell(row, cols, field))
            if v is not None:
                rec[field] = v
        for field, group in (("kind", "org_kind"), ("presence", "presence")):
            raw = _cell(row, cols, field)
            try:
                v = enum_value(group, raw, maps)
            except ValueError:
                errors.append(D.t("exp.imp.bad_value", lang, field=D.t(f"exp.imp.f.{field}", lang), value=raw))
                continue
            if v:
                rec[field] = v
        raw = _cell(row, cols, "consent")
        try:
            v = bool_value(raw)
            if v is not None:
                rec["consent"] = v
        except ValueError:
            errors.append(D.t("exp.imp.bad_value", lang, field=D.t("exp.imp.f.consent", lang), value=raw))
        raw = _cell(row, cols, "table_no")
        if raw is not None:
            rec["table_no"] = raw
        clean, errs = V.validate(V.ORGANISATION_CREATE, rec)
        errors += [_msg(lang, f, e) for f, e in errs.items()]
        nk = key(clean.get("name"))
        if not errs and nk:
            if nk in existing:
                errors.append(D.t("exp.imp.org_exists", lang))
            elif nk in seen:
                errors.append(D.t("exp.imp.duplicate_in_file", lang, line=seen[nk]))
            else:
                seen[nk] = line
        if errors:
            rejected.append({"line": line, "errors": errors, "reason": "; ".join(errors)})
        else:
            created.append({"line": line, "id": clean["id"], "name": clean["name"], "record": clean})
    rep = _report("organisations", dry_run, lang, len(rows) - 1, created, rejected, ignored)

    def write():
        for item in created:
            svc.create(ws, ORGANISER, item["record"])

    return _finish(rep, lang, write)


def _as_subcategory(raw, maps):
    """(category, subcategory) when a category cell names a sub-category, else None."""
    try:
        sub = enum_value("sub", raw, maps)
    except ValueError:
        return None
    for cat, subs in vocab.CATEGORIES.items():
        if sub in subs:
            return cat, sub
    return None


def _org_index(ws) -> dict:
    out: dict = {}
    for o in ws.store.all("organisation"):
        out.setdefault(key(o["name"]), o)
    return out


def import_sheets(ws, content: bytes, filename: str = "", *, dry_run: bool = False, lang: str = "fr") -> dict:
    """Import resource sheets (the organisation named in each row must exist); same report as
    :func:`import_organisations`, with ``title`` and ``organisation`` in each created item."""
    from ..services import sheets as svc

    lang = D.norm_lang(lang)
    try:
        rows = _parse(content, filename)
    except Exception as exc:
        raise ImportError_(D.t("exp.imp.unreadable", lang, detail=type(exc).__name__)) from None
    cols, ignored = _header_or_fail(rows, SHEET_COLUMNS, "title", lang)
    orgs = _org_index(ws)
    maps: dict = {}
    created, rejected = [], []
    for line, row in rows[1:]:
        errors, bad = [], set()
        rec = {"id": str(uuid.uuid4())}
        org_name = text_value(_cell(row, cols, "organisation"))
        org = orgs.get(key(org_name)) if org_name else None
        if org_name is None:
            errors.append(_msg(lang, "organisation", ("err.required", {})))
        elif org is None:
            errors.append(D.t("exp.imp.unknown_org", lang, name=org_name))
        else:
            rec["organisation_id"] = org["id"]
        for field in ("paper_no", "title", "description", "waste_code", "logistics"):
            v = text_value(_cell(row, cols, field))
            if v is not None:
                rec[field] = v
        for field, group in (("kind", "sheet_kind"), ("category", "cat"), ("subcategory", "sub"),
                             ("unit", "unit"), ("frequency", "freq"), ("condition", "cond"), ("terms", "terms"),
                             ("visibility", "visibility")):
            raw = _cell(row, cols, field)
            try:
                v = enum_value(group, raw, maps)
            except ValueError:
                sub = _as_subcategory(raw, maps) if field == "category" else None
                if sub:  # "Bois" in the category column: waste › wood
                    rec["category"] = sub[0]
                    rec.setdefault("subcategory", sub[1])
                    continue
                errors.append(D.t("exp.imp.bad_value", lang, field=D.t(f"exp.imp.f.{field}", lang), value=raw))
                bad.add(field)
                continue
            if v:
                rec[field] = v
        raw = _cell(row, cols, "anonymous")
        try:
            v = bool_value(raw)
            if v is not None:
                rec["anonymous"] = v
        except ValueError:
            errors.append(D.t("exp.imp.bad_value", lang, field=D.t("exp.imp.f.anonymous", lang), value=raw))
        raw = _cell(row, cols, "quantity")
        if raw is not None:
            rec["quantity"] = raw
        for field in ("available_from", "available_until"):
            v = date_value(_cell(row, cols, field))
            if v is not None:
                rec[field] = v
        clean, errs = V.validate(V.SHEET_CREATE, rec)
        errors += [_msg(lang, f, e) for f, e in errs.items() if f not in bad]
        if not errs and clean.get("available_from") and clean.get("available_until") and \
                clean["available_until"] < clean["available_from"]:
            errors.append(_msg(lang, "available_until", ("err.date_order", {})))
        sub, cat = clean.get("subcategory"), clean.get("category")
        if sub and cat and sub not in vocab.CATEGORIES.get(cat, []):  # the service's own rule
            errors.append(_msg(lang, "subcategory", ("err.choice", {})))
        if errors:
            rejected.append({"line": line, "errors": errors, "reason": "; ".join(errors)})
        else:
            created.append({"line": line, "id": clean["id"], "title": clean["title"],
                            "organisation": org["name"], "record": clean})
    rep = _report("sheets", dry_run, lang, len(rows) - 1, created, rejected, ignored)

    def write():
        for item in created:
            svc.create(ws, ORGANISER, item["record"])

    return _finish(rep, lang, write)
