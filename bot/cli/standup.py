"""`sla-bot standup`: post today's standup now, and deliver it when a token is at hand."""

from __future__ import annotations

import sys
import time

from slack_sdk import WebClient

from bot.bootstrap import UseCases, boot
from bot.outbox.worker import OutboxWorker
from bot.runtime.clock import utc_now
from bot.settings import Settings
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import local_date, local_time
from sla_rules.agreement import Agreement
from storage.outbox import count_pending
from storage.unit_of_work import Database

DELIVERY_TIMEOUT_SECONDS = 120


def post_standup(settings: Settings, agreement: Agreement | None = None) -> int:
    """Queue today's standup (once per day) and deliver it; return the exit code."""
    booted = boot(settings, agreement=agreement, clock=utc_now)
    try:
        return _post(booted.settings, booted.agreement, booted.database, booted.cases)
    finally:
        # Even when the database stops answering halfway: no pool is left behind.
        booted.database.dispose()


def _post(settings: Settings, agreement: Agreement, database: Database, cases: UseCases) -> int:
    cat = Catalogue(agreement.locale)
    result = cases.standup.post()
    if not result.business_day:
        print(cat.t("standup.not_business_day", date=local_date(result.day, cat)))
        return 0
    if not result.posted:
        when = (
            local_time(result.already_at, agreement.zone, utc_now(), cat=cat)
            if result.already_at
            else "—"
        )
        print(cat.t("standup.already", time=when))
        return 0
    if settings.slack_bot_token is None:
        print(cat.t("standup.queued"), file=sys.stderr)
        return 0
    client = WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, retry_handlers=[]
    )
    worker = OutboxWorker(database, client, cases.messages, utc_now, charts=cases.burn_up)
    deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
    # Deliver what is owed now (the standup, its chart and anything else waiting).
    while time.monotonic() < deadline:
        worker.deliver_once()
        with database.reading() as session:
            if count_pending(session) == 0:
                break
        time.sleep(0.2)
    print(cat.t("standup.posted", channel=agreement.slack.standup_channel))
    return 0
