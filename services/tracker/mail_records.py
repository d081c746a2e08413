"""Rejections noticed in the person's mail, recorded without asking when they chose that.

The mailbox service sets `auto_record` on a `mail.classified` event only when the person
asked Rebound to record mail above a confidence they chose; every other proposal waits
for them to accept it (and the frontend records it through the tracker's API).
"""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.tracker.models import Application
from services.tracker.rejections import record_rejection
from shared.web import ApiError

log = logging.getLogger(__name__)


def record_mailed_rejection(session: Session, event: dict) -> None:
    data = event["data"]
    if not data.get("auto_record") or data["classification"] != "rejection" or not data.get("application_id"):
        return
    app = session.scalar(select(Application).where(
        Application.id == data["application_id"], Application.user_id == event["user_id"]))
    if app is None:
        return  # deleted since the mail arrived
    try:
        record_rejection(session, app, {"received_on": date.fromisoformat(data["received_on"])})
    except ApiError as exc:  # already rejected or ended: nothing to do
        log.info("mailed rejection not recorded", extra={"reason": exc.code})
