"""Reminder e-mails to facilitators: off unless an SMTP server is configured.

Configuration (read at each sending, so no restart is needed), first found wins:
``<data folder>/smtp.json`` — ``{"host": "smtp.example.org", "port": 587,
"from": "ptce@example.org", "user": "...", "password": "...", "starttls": true}`` —
or the environment: ``ATELIER_SMTP_HOST``, ``ATELIER_SMTP_PORT``,
``ATELIER_SMTP_FROM``, ``ATELIER_SMTP_USER``, ``ATELIER_SMTP_PASSWORD``,
``ATELIER_SMTP_STARTTLS=1``. Without a host and a sender address nothing is
ever sent: the request answers that e-mail is not configured.
"""
from __future__ import annotations

import json
import os
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from ..i18n import label, t
from ..services import ServiceError, authorize, check
from ..rules import validation as V
from . import service


def smtp_config(config) -> dict | None:
    cfg: dict = {}
    path = smtp_file(config)
    if path.exists():
        try:
            cfg = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            cfg = {}
    if not isinstance(cfg, dict) or not cfg.get("host"):
        env = os.environ
        cfg = {"host": env.get("ATELIER_SMTP_HOST"), "port": env.get("ATELIER_SMTP_PORT"),
               "from": env.get("ATELIER_SMTP_FROM"), "user": env.get("ATELIER_SMTP_USER"),
               "password": env.get("ATELIER_SMTP_PASSWORD"), "starttls": env.get("ATELIER_SMTP_STARTTLS") == "1"}
    if not cfg.get("host") or not cfg.get("from"):
        return None
    try:
        cfg["port"] = int(cfg.get("port") or 25)
    except (TypeError, ValueError):
        return None
    return cfg


def smtp_file(config) -> Path:
    return Path(config.get("DATA_DIR") or ".") / "smtp.json"


def smtp_saved(config) -> dict:
    """What ``smtp.json`` holds, without the password (the settings form shows it)."""
    try:
        cfg = json.loads(smtp_file(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cfg = {}
    if not isinstance(cfg, dict):
        cfg = {}
    out = {k: cfg.get(k) for k in ("host", "port", "from", "user", "starttls")}
    out["has_password"] = bool(cfg.get("password"))
    out["from_env"] = not cfg.get("host") and bool(os.environ.get("ATELIER_SMTP_HOST"))
    return out


def set_smtp(ws, actor, data, config) -> dict:
    """Save the install's SMTP server (``smtp.json`` in the data folder, readable by its owner only).
    An empty host removes it: from then on nothing is sent. A blank password keeps the saved one."""
    authorize(ws, actor, "followup.settings")
    clean = check(V.SMTP_SET, data)
    path = smtp_file(config)
    if not clean.get("host"):
        path.unlink(missing_ok=True)
        return {"configured": smtp_config(config) is not None}
    errors = {}
    if not V.HOST_RE.match(clean["host"]):
        errors["host"] = ("err.smtp_host", {})
    if not clean.get("sender"):
        errors["sender"] = ("err.required", {})
    if errors:
        raise ServiceError(422, "err.invalid", fields=errors)
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    cfg = {"host": clean["host"], "port": clean.get("port") or (587 if clean.get("starttls") else 25),
           "from": clean["sender"], "user": clean.get("user") or None,
           "password": clean.get("password") or (old.get("password") if isinstance(old, dict) else None),
           "starttls": bool(clean.get("starttls"))}
    tmp = path.with_suffix(".json.tmp")
    fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(cfg, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
    return {"configured": True}


def messages(ws, sender: str, board_url: str, lang: str = "fr") -> list[EmailMessage]:
    """One message per facilitator with an address and something overdue or due this week."""
    info = ws.store.workshop()
    items = service.due_list(ws)
    out = []
    for fac in ws.store.all("facilitator", order="name"):
        if fac.get("revoked") or not fac.get("email"):
            continue
        mine = [i for i in items if i["facilitator_id"] == fac["id"]]
        if not mine:
            continue
        late = sum(1 for i in mine if i["due_state"] == "overdue")
        msg = EmailMessage()
        msg["Subject"] = t("followup.mail_subject", lang, workshop=info["name"], late=late, week=len(mine) - late)
        msg["From"] = sender
        msg["To"] = formataddr((fac["name"], fac["email"]))
        msg["Message-ID"] = make_msgid(domain="atelier.local")
        lines = [t("followup.mail_hello", lang, name=fac["name"]), ""]
        for i in mine:
            state = t(f"followup.due_{i['due_state']}", lang)
            lines.append(f"- [{state}] {i['due_date']} — {i['title']} ({label('status', i['status'], lang)})")
            if i.get("next_step"):
                lines.append(f"  {t('followup.next_step', lang)} : {i['next_step']}")
            lines.append("  " + ", ".join(n for n in i["org_names"] if n))
        lines += ["", t("followup.mail_link", lang, url=board_url)]
        msg.set_content("\n".join(lines))
        out.append(msg)
    return out


def send_reminders(ws, actor, data, config) -> dict:
    authorize(ws, actor, "followup.remind")
    clean = check(V.REMINDERS, data)
    cfg = smtp_config(config)
    if cfg is None:
        return {"configured": False, "sent": 0, "recipients": [], "message": t("followup.mail_off")}
    from ..web import urls

    board_url = f"{urls.base_url()}/w/{ws.code}/followup"
    if clean.get("dry_run"):
        recipients = [m["To"] for m in messages(ws, cfg["from"], board_url)]
        return {"configured": True, "sent": 0, "recipients": recipients,
                "message": t("followup.mail_dry", n=len(recipients))}
    return {"configured": True, **deliver(ws, cfg, board_url)}


def deliver(ws, cfg: dict, board_url: str) -> dict:
    """Send each facilitator's reminders through ``cfg``'s server (the button and the weekly task)."""
    msgs = messages(ws, cfg["from"], board_url)
    recipients = [m["To"] for m in msgs]
    if msgs:
        try:
            with smtplib.SMTP(cfg["host"], cfg["port"], timeout=15) as smtp:
                if cfg.get("starttls"):
                    smtp.starttls()
                if cfg.get("user"):
                    smtp.login(cfg["user"], cfg.get("password") or "")
                for m in msgs:
                    smtp.send_message(m)
        except (OSError, smtplib.SMTPException) as exc:
            raise ServiceError(422, "err.smtp", {"detail": str(exc)[:200]}) from None
    return {"sent": len(msgs), "recipients": recipients, "message": t("followup.mail_sent", n=len(msgs))}
