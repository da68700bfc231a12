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
    path = Path(config.get("DATA_DIR") or ".") / "smtp.json"
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
