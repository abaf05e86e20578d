"""Salesforce login wiring: session or JWT arguments (JWT cannot be pointed at a stand-in)."""

from __future__ import annotations

from bot.crm.salesforce_setup import login_arguments
from bot.settings import load_settings


def test_session_login() -> None:
    settings = load_settings(
        {
            "SALESFORCE_INSTANCE_URL": "https://acme.my.salesforce.com",
            "SALESFORCE_ACCESS_TOKEN": "t",
        }
    )
    assert login_arguments(settings) == {
        "instance_url": "https://acme.my.salesforce.com",
        "session_id": "t",
        "version": "59.0",
    }


def test_jwt_login() -> None:
    settings = load_settings(
        {
            "SALESFORCE_USERNAME": "bot@acme.com",
            "SALESFORCE_CONSUMER_KEY": "3MVG9",
            "SALESFORCE_PRIVATE_KEY_FILE": "/keys/sf.pem",
            "SALESFORCE_API_VERSION": "60.0",
        }
    )
    assert login_arguments(settings) == {
        "username": "bot@acme.com",
        "consumer_key": "3MVG9",
        "privatekey_file": "/keys/sf.pem",
        "domain": "login",
        "version": "60.0",
    }


def test_not_configured() -> None:
    assert login_arguments(load_settings({"SALESFORCE_ORG_ID": "00D"})) is None


def test_jwt_login_at_my_domain() -> None:
    settings = load_settings(
        {
            "SALESFORCE_INSTANCE_URL": "https://acme--uat.sandbox.my.salesforce.com/",
            "SALESFORCE_USERNAME": "bot@acme.com",
            "SALESFORCE_CONSUMER_KEY": "3MVG9",
            "SALESFORCE_PRIVATE_KEY_FILE": "/keys/sf.pem",
        }
    )
    arguments = login_arguments(settings)
    assert arguments is not None and arguments["domain"] == "acme--uat.sandbox.my"
