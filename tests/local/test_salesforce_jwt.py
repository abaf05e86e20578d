"""The JWT bearer login, end to end: the bot's login arguments, simple-salesforce's assertion,
and a stand-in that checks it as Salesforce does (RS256 under the app's certificate)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from bot.crm.salesforce_setup import login_arguments
from bot.local.salesforce import SalesforceStandIn
from bot.settings import load_settings

CONSUMER_KEY = "3MVG9-local-app"
USERNAME = "sla-bot@acme.example"


class _ToStandIn(HTTPAdapter):
    """Every https URL (login.salesforce.com, the instance) goes to the stand-in over http."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        parts = urlsplit(str(request.url))
        request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def _key(tmp_path: Path) -> tuple[Path, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_path / "sf.pem"
    path.write_bytes(pem)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, public


@pytest.fixture
def sf() -> Iterator[SalesforceStandIn]:
    with SalesforceStandIn() as server:
        yield server


def _login(sf: SalesforceStandIn, key_file: Path, **env: str) -> Salesforce:
    settings = load_settings(
        {
            "SALESFORCE_USERNAME": USERNAME,
            "SALESFORCE_CONSUMER_KEY": CONSUMER_KEY,
            "SALESFORCE_PRIVATE_KEY_FILE": str(key_file),
            **env,
        }
    )
    arguments = login_arguments(settings)
    assert arguments is not None
    session = requests.Session()
    session.mount("https://", _ToStandIn(sf.instance_url))
    return Salesforce(**arguments, session=session)


@pytest.mark.parametrize("instance", [None, "https://acme.my.salesforce.com"])
def test_a_jwt_login_is_accepted_and_its_session_works(
    sf: SalesforceStandIn, tmp_path: Path, instance: str | None
) -> None:
    key_file, public = _key(tmp_path)
    sf.add_connected_app(CONSUMER_KEY, public, USERNAME)
    env = {"SALESFORCE_INSTANCE_URL": instance} if instance else {}
    client = _login(sf, key_file, **env)
    lead = client.Lead.create({"LastName": "Paz", "Company": "Acme"})["id"]
    assert client.Lead.get(lead)["LastName"] == "Paz"
    [token_call] = [c for c in sf.state.calls if c.path == "/services/oauth2/token"]
    assert token_call.status == 200


def test_a_key_the_app_does_not_hold_or_an_unknown_user_is_refused(
    sf: SalesforceStandIn, tmp_path: Path
) -> None:
    key_file, _public = _key(tmp_path)
    _other, other_public = _key(tmp_path / "..")
    sf.add_connected_app(CONSUMER_KEY, other_public, USERNAME)
    with pytest.raises(SalesforceAuthenticationFailed):
        _login(sf, key_file)
    key_file, public = _key(tmp_path)
    sf.add_connected_app(CONSUMER_KEY, public, "someone.else@acme.example")
    # simple-salesforce warns how to approve the app when Salesforce answers so.
    with pytest.raises(SalesforceAuthenticationFailed), pytest.warns(UserWarning):
        _login(sf, key_file)
