"""The bot's settings: read once from the environment (and a .env file) into one object."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
LOG_FORMATS = ("text", "json")

# What to put in each variable, told to the person whose start failed.
HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token from your app's OAuth & Permissions page (xoxb-…)",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your app's Basic Information page",
    "SLACK_APP_TOKEN": "an app-level token with connections:write (xapp-…), or leave it unset "
    "for HTTP mode",
    "SLACK_API_URL": "a URL such as https://slack.com/api/",
    "DATABASE_URL": "a SQLAlchemy URL such as sqlite:///sla.db or "
    "postgresql+psycopg://user@host:5432/db",
    "SLA_CONFIG": "the path of your agreement file, such as sla.yaml",
    "SLA_API_TOKEN": "a long random string that your CRM sends as 'Authorization: Bearer …'",
    "PORT": "a port number between 1 and 65535, such as 3000",
    "SLA_TICK_SECONDS": "a number of seconds greater than 0, such as 5",
    "LOG_LEVEL": "one of " + ", ".join(LOG_LEVELS),
    "LOG_FORMAT": "text (one readable line per record) or json (one JSON object per line)",
    "SLA_HEALTH_OUTBOX_MAX_AGE_SECONDS": "a number of seconds greater than 0, such as 300: "
    "/healthz answers 503 once a due message has waited longer",
    "SLACK_DELIVERY_TIMEOUT": "seconds to wait for Slack's answer to one message, such as 15",
    "OUTGOING_WEBHOOK_URL": "the http(s) URL that receives every lead event as signed JSON",
    "OUTGOING_WEBHOOK_SECRET": "a long random string shared with the receiver (signs each event)",
    "SALESFORCE_INSTANCE_URL": "your org's My Domain URL, such as https://acme.my.salesforce.com",
    "SALESFORCE_ORG_ID": "your 18-character organization ID (Setup > Company Information)",
    "SALESFORCE_ACCESS_TOKEN": "a session ID or OAuth access token, or leave it unset for JWT",
    "SALESFORCE_USERNAME": "the integration user's username, for the JWT login",
    "SALESFORCE_CONSUMER_KEY": "the connected app's consumer key, for the JWT login",
    "SALESFORCE_PRIVATE_KEY_FILE": "the path of the connected app's private key (PEM)",
    "SALESFORCE_API_VERSION": "a REST API version such as 59.0",
    "HUBSPOT_ACCESS_TOKEN": "your HubSpot private app's access token (pat-…), or leave it unset "
    "to keep HubSpot off",
    "HUBSPOT_API_URL": "a URL such as https://api.hubapi.com",
    "HUBSPOT_RATE_PER_10S": "your private app's limit per 10 seconds, such as 100 (or 190)",
    "HUBSPOT_BREACH_PROPERTY": "the internal name of a contact property set to true on a breach, "
    "or leave it unset",
    "HUBSPOT_CLIENT_SECRET": "your HubSpot app's client secret (it signs every webhook), or leave "
    "it unset to keep /api/hubspot off",
    "PUBLIC_URL": "the URL the CRMs call the bot at, such as https://sla.example.com",
    "CRM_CALL_TIMEOUT": "seconds one HubSpot or Salesforce call may take, such as 15",
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable.

    `code` (when set) names a catalogue message under `settings.` that says the same in the
    agreement's language, once an agreement has been read.
    """

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///sla.db"
    sla_config: str = "sla.yaml"
    sla_api_token: str | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    sla_tick_seconds: float = Field(default=5, gt=0)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Five minutes is the whole response SLA: an announcement that late is already an incident.
    sla_health_outbox_max_age_seconds: float = Field(default=300, gt=0)
    # Seconds the outbox waits for Slack's answer to one call (its leases are five times that).
    slack_delivery_timeout: float = Field(default=15, gt=0, le=120)
    outgoing_webhook_url: str | None = None
    outgoing_webhook_secret: str | None = None
    # Salesforce: Outbound Messages are accepted once SALESFORCE_ORG_ID is set.
    salesforce_instance_url: str | None = None
    salesforce_org_id: str | None = None
    salesforce_access_token: str | None = None
    salesforce_username: str | None = None
    salesforce_consumer_key: str | None = None
    salesforce_private_key_file: str | None = None
    salesforce_api_version: str = "59.0"
    # HubSpot out (off until the token is set).
    hubspot_access_token: str | None = None
    hubspot_api_url: str = "https://api.hubapi.com"
    hubspot_rate_per_10s: int = Field(default=100, ge=1, le=10_000)
    hubspot_breach_property: str | None = None
    # Seconds one CRM API call may take (HubSpot, Salesforce): past it the write is in doubt.
    crm_call_timeout: float = Field(default=15, gt=0, le=120)
    # HubSpot in: verifies webhooks against the URL HubSpot called (behind a proxy, not ours).
    hubspot_client_secret: str | None = None
    public_url: str | None = None

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "sla_api_token",
        "outgoing_webhook_url",
        "outgoing_webhook_secret",
        "salesforce_instance_url",
        "salesforce_org_id",
        "salesforce_access_token",
        "salesforce_username",
        "salesforce_consumer_key",
        "salesforce_private_key_file",
        "hubspot_access_token",
        "hubspot_breach_property",
        "hubspot_client_secret",
        "public_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError("unknown level")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in LOG_FORMATS:
                raise ValueError("unknown format")
        return value

    @field_validator("database_url")
    @classmethod
    def _parsable_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError as error:
            raise ValueError("not a database URL") from error
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("outgoing_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("hubspot_api_url")
    @classmethod
    def _hubspot_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value.rstrip("/") if value else value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("an app-level token starts with xapp-")
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("a bot token starts with xoxb-")
        return value

    @property
    def socket_mode(self) -> bool:
        """Tell whether the bot connects through Socket Mode rather than HTTP."""
        return self.slack_app_token is not None

    @property
    def mode(self) -> Literal["socket", "http"]:
        """Name the connection mode for logs and messages."""
        return "socket" if self.socket_mode else "http"

    @property
    def log_level_number(self) -> int:
        """Return the logging module's number for LOG_LEVEL."""
        return logging.getLevelNamesMapping()[self.log_level]

    def require_slack(self) -> None:
        """Check that what `sla-bot run` needs to reach Slack is there, or raise SettingsError."""
        if self.slack_bot_token is None:
            raise SettingsError(_missing("SLACK_BOT_TOKEN"), code="no_bot_token")
        if not self.socket_mode and self.slack_signing_secret is None:
            raise SettingsError(
                _missing("SLACK_SIGNING_SECRET", " (HTTP mode verifies every request with it)"),
                code="no_signing_secret",
            )


def _missing(variable: str, why: str = "") -> str:
    return f"{variable} is not set{why}: set it to {HINTS[variable]}."


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | None = ".env"
) -> Settings:
    """Build the settings from the environment, or raise SettingsError with one clear line."""
    try:
        if environ is None:
            return Settings(_env_file=env_file)  # type: ignore[call-arg]
        values = {key.lower(): value for key, value in environ.items() if key.upper() in HINTS}
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = str(first["msg"]).removeprefix("Value error, ")
        hint = HINTS.get(variable, "a valid value")
        # Secrets are never echoed back: the message may end up in a shared log.
        shown = "" if variable.endswith(("TOKEN", "SECRET")) else f"; got {first.get('input')!r}"
        raise SettingsError(
            f"{variable} is malformed ({reason}{shown}): set it to {hint}."
        ) from None
