"""Salesforce out, assembled from the settings: off (None) until a login is configured."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import requests
from simple_salesforce import Salesforce
from slack_sdk import WebClient

from bot.crm.notices import tell_managers
from bot.crm.salesforce_out import SalesforceOut
from bot.crm.slack_email import slack_email
from bot.runtime.clock import Clock
from bot.settings import Settings
from bot.ui.catalogue import Catalogue
from storage.unit_of_work import Database

log = logging.getLogger("sla_bot.crm.salesforce")


def login_arguments(settings: Settings) -> dict[str, Any] | None:
    """simple-salesforce's arguments: a session login, a JWT login, or None (not configured)."""
    version = settings.salesforce_api_version
    if settings.salesforce_instance_url and settings.salesforce_access_token:
        return {
            "instance_url": settings.salesforce_instance_url,
            "session_id": settings.salesforce_access_token,
            "version": version,
        }
    if (
        settings.salesforce_username
        and settings.salesforce_consumer_key
        and settings.salesforce_private_key_file
    ):
        # simple-salesforce logs in at https://<domain>.salesforce.com: a My Domain URL such as
        # https://acme.my.salesforce.com gives domain "acme.my"; without one, "login".
        host = (settings.salesforce_instance_url or "").split("://", 1)[-1].rstrip("/")
        domain = host.removesuffix(".salesforce.com") if host.endswith(".salesforce.com") else ""
        return {
            "username": settings.salesforce_username,
            "consumer_key": settings.salesforce_consumer_key,
            "privatekey_file": settings.salesforce_private_key_file,
            "domain": domain or "login",
            "version": version,
        }
    return None


class TimedSession(requests.Session):
    """A requests session whose every call has a timeout (simple-salesforce sets none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """The call, with the session's timeout unless the caller gave one."""
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def salesforce_out(
    settings: Settings,
    slack: WebClient,
    database: Database,
    cat: Catalogue,
    managers: Sequence[str],
    clock: Clock,
) -> SalesforceOut | None:
    """The connector, or None when no Salesforce login is configured."""
    arguments = login_arguments(settings)
    if arguments is None:
        return None
    # Without a timeout, an org that accepts a call and never answers would hold the lane.
    client = Salesforce(**arguments, session=TimedSession(settings.crm_call_timeout))

    def email_of(user: str) -> str | None:
        return slack_email(slack, user)

    def report_unmapped(user: str) -> None:
        text = cat.t("salesforce.unmapped_user", user=user)
        with database.unit_of_work() as session:
            tell_managers(session, managers, clock(), text)
        log.warning("Slack user %s has no Salesforce User by email; owner left unset", user)

    return SalesforceOut(client, email_of, report_unmapped, timeout=settings.crm_call_timeout)
