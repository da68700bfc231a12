"""The follow-up settings page (organiser): the workshop's time zone, the weekly reminder e-mails and
"send now", the facilitators' e-mail addresses, the SMTP server, and the emission-factor table.

Plain forms posted to the same services as the API (``app.followup.service``, ``mail``): the one
writing path, the same validation; a refused form is shown again with the typed values and a
message next to each wrong field, and nothing is changed."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, redirect, request, url_for

from .. import auth, i18n
from ..services import ServiceError
from .common import Routes, check_csrf, field_messages, page, require_action, workshop_or_404

routes = Routes()  # on the follow-up blueprint (app/web/followup.py)

DAYS = range(7)
HOURS = range(24)


def _local(at_iso, tz) -> str:
    from ..followup import dates

    if not at_iso:
        return ""
    dt = datetime.fromisoformat(at_iso)
    dt = dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    local = dt.astimezone(dates.zone(tz))
    return f"{i18n.t('fset.day_%d' % local.weekday())} {local.strftime('%d/%m/%Y %H:%M')}"


def _render(ws, *, form=None, errors=None, notice=None, status=200):
    from zoneinfo import available_timezones

    from ..followup import dates, mail, service, weekly

    info = ws.info()
    tz = service.timezone(ws)
    cfg = current_app.config
    smtp_on = mail.smtp_config(cfg) is not None
    up = weekly.upcoming(info, datetime.now(timezone.utc))
    nxt = _local(up.isoformat(), tz) if up else None
    facs = [f for f in ws.store.all("facilitator", order="table_no, name") if not f.get("revoked")]
    ctx = {
        "form": form or {}, "errors": errors or {}, "notice": notice, "section": (form or {}).get("_section"),
        "tz": tz, "zones": sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/")),
        "default_tz": dates.DEFAULT_TZ, "days": DAYS, "hours": HOURS,
        "schedule": {"on": bool(info.get("remind_on")), "day": info.get("remind_day"), "hour": info.get("remind_hour"),
                     "next": nxt, "last": _local(info.get("remind_last"), tz), "error": info.get("remind_error")},
        "smtp_on": smtp_on, "smtp": mail.smtp_saved(cfg), "facilitators": facs,
        "factors": sorted(service.factor_table(ws).values(), key=lambda f: (f["family"], f["label_fr"].lower())),
    }
    return page("followup/settings.html", ws, **ctx), status


def _done(ws, section, notice_key):
    return redirect(url_for("followup.settings", code=ws.code, saved=notice_key, _anchor=f"set-{section}"))


@routes.get("/w/<code>/followup/settings")
def settings(code):
    ws = workshop_or_404(code)
    require_action(ws, "followup.settings")
    saved = request.args.get("saved")
    notice = i18n.t(f"fset.saved_{saved}") if saved in ("zone", "schedule", "emails", "smtp", "factor") else None
    if request.args.get("sent") is not None:
        notice = request.args.get("sent")[:300]
    return _render(ws, notice=notice)


def _post(ws, section, fn, form):
    """Run one form's write; on a refusal show the page again with the typed values (nothing changed)."""
    require_action(ws, "followup.settings")
    check_csrf()
    try:
        fn()
    except ServiceError as exc:
        return _render(ws, form={**form, "_section": section}, errors=field_messages(exc), status=exc.status)
    return _done(ws, section, section)


@routes.post("/w/<code>/followup/settings/zone")
def settings_zone(code):
    from ..followup import service

    ws = workshop_or_404(code)
    form = {"timezone": request.form.get("timezone", "").strip()}
    return _post(ws, "zone", lambda: service.set_settings(ws, auth.actor(ws), {"timezone": form["timezone"] or None}),
                 form)


@routes.post("/w/<code>/followup/settings/schedule")
def settings_schedule(code):
    from ..followup import service

    ws = workshop_or_404(code)
    form = {"remind_on": request.form.get("remind_on") == "1", "remind_day": request.form.get("remind_day", ""),
            "remind_hour": request.form.get("remind_hour", "")}
    body = {"remind_on": form["remind_on"], "remind_day": form["remind_day"] or None,
            "remind_hour": form["remind_hour"] or None}
    return _post(ws, "schedule", lambda: service.set_settings(ws, auth.actor(ws), body), form)


@routes.post("/w/<code>/followup/settings/send")
def settings_send(code):
    """The "send now" button: the same sending as the weekly task, answered on the page."""
    from ..followup import mail

    ws = workshop_or_404(code)
    require_action(ws, "followup.remind")
    check_csrf()
    try:
        out = mail.send_reminders(ws, auth.actor(ws), {}, current_app.config)
    except ServiceError as exc:
        return _render(ws, form={"_section": "schedule"}, errors={"send": i18n.t(exc.key, **exc.params)},
                       status=exc.status)
    msg = out["message"] + (" " + ", ".join(out["recipients"]) if out.get("recipients") else "")
    return redirect(url_for("followup.settings", code=ws.code, sent=msg, _anchor="set-schedule"))


@routes.post("/w/<code>/followup/settings/emails")
def settings_emails(code):
    """Every facilitator's address in one form: all are checked before any is saved."""
    from ..followup import service
    from ..rules import validation as V
    from ..services import check

    ws = workshop_or_404(code)
    require_action(ws, "followup.settings")
    check_csrf()
    facs = [f for f in ws.store.all("facilitator") if not f.get("revoked")]
    form = {f"email-{f['id']}": request.form.get(f"email-{f['id']}", "") for f in facs}
    errors, changes = {}, []
    for f in facs:
        value = form[f"email-{f['id']}"].strip() or None
        try:
            clean = check(V.FACILITATOR_EMAIL, {"email": value})
        except ServiceError as exc:
            errors[f"email-{f['id']}"] = field_messages(exc).get("email") or i18n.t(exc.key)
            continue
        if clean.get("email") != f.get("email"):
            changes.append((f["id"], clean.get("email")))
    if errors:
        return _render(ws, form={**form, "_section": "emails"}, errors=errors, status=422)
    for fid, email in changes:
        service.set_facilitator_email(ws, auth.actor(ws), fid, {"email": email})
    return _done(ws, "emails", "emails")


@routes.post("/w/<code>/followup/settings/smtp")
def settings_smtp(code):
    from ..followup import mail

    ws = workshop_or_404(code)
    form = {k: request.form.get(k, "") for k in ("host", "port", "sender", "user", "password")}
    form["starttls"] = request.form.get("starttls") == "1"
    body = {**form, "port": form["port"].strip() or None}
    shown = {k: v for k, v in form.items() if k != "password"}  # a refused form never echoes the password
    return _post(ws, "smtp", lambda: mail.set_smtp(ws, auth.actor(ws), body, current_app.config), shown)


@routes.post("/w/<code>/followup/settings/factor")
def settings_factor(code):
    from ..followup import service

    ws = workshop_or_404(code)
    key = request.form.get("key", "").strip()
    form = {k: request.form.get(k, "") for k in ("family", "kg_co2e", "label_fr", "label_en", "source", "year")}
    body = {**form, "label_en": form["label_en"] or None}
    return _post(ws, "factor", lambda: service.set_factor(ws, auth.actor(ws), key, body),
                 {**form, "key": key, "_factor": key})
