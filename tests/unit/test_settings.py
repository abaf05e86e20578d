"""Settings: read once, and a missing or malformed one stops the start with one clear line."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_follow_the_design() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///sla.db"
    assert settings.sla_config == "sla.yaml"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000
    assert settings.sla_tick_seconds == 5
    assert settings.sla_api_token is None
    assert settings.mode == "http"


def test_app_token_switches_to_socket_mode() -> None:
    settings = load_settings({"SLACK_APP_TOKEN": "xapp-1-abc", "SLACK_BOT_TOKEN": "xoxb-1"})
    assert settings.socket_mode
    settings.require_slack()  # no signing secret needed over the websocket


@pytest.mark.parametrize(
    ("environ", "variable", "hint"),
    [
        ({"PORT": "web"}, "PORT", "a port number"),
        ({"PORT": "70000"}, "PORT", "a port number"),
        ({"SLA_TICK_SECONDS": "0"}, "SLA_TICK_SECONDS", "number of seconds greater than 0"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL", "one of CRITICAL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL", "sqlite:///sla.db"),
        ({"SLACK_API_URL": "slack.com"}, "SLACK_API_URL", "https://slack.com/api/"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN", "xoxb-"),
        ({"SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN", "xapp-"),
        ({"HUBSPOT_API_URL": "api.hubapi.com"}, "HUBSPOT_API_URL", "https://api.hubapi.com"),
        ({"HUBSPOT_RATE_PER_10S": "0"}, "HUBSPOT_RATE_PER_10S", "such as 100"),
        ({"HUBSPOT_RATE_PER_10S": "lots"}, "HUBSPOT_RATE_PER_10S", "such as 100"),
        ({"CRM_CALL_TIMEOUT": "0"}, "CRM_CALL_TIMEOUT", "such as 15"),
        ({"CRM_CALL_TIMEOUT": "forever"}, "CRM_CALL_TIMEOUT", "such as 15"),
    ],
)
def test_malformed_settings_name_the_variable(environ, variable, hint) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert message.startswith(variable)
    assert hint in message
    assert "\n" not in message


def test_secrets_are_not_echoed_back() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"SLACK_BOT_TOKEN": "xoxp-secret-value"})
    assert "secret-value" not in str(caught.value)


def test_http_mode_needs_token_and_signing_secret() -> None:
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN is not set"):
        load_settings({}).require_slack()
    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET is not set"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}).require_slack()


def test_blank_values_count_as_unset() -> None:
    assert load_settings({"SLA_API_TOKEN": "  "}).sla_api_token is None


def test_dotenv_file_is_honoured(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text("PORT=4321\nSLA_CONFIG=acuerdo.yaml\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("SLA_CONFIG", raising=False)
    settings = load_settings()
    assert settings.port == 4321
    assert settings.sla_config == "acuerdo.yaml"
