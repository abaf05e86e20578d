"""simple-salesforce pointed at the stand-in (it builds https URLs; the stand-in is http)."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce

from bot.local.salesforce.server import SalesforceStandIn


class _PlainHttp(HTTPAdapter):
    """Sends the client's https://127.0.0.1:<port> requests over plain HTTP to the stand-in."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = "http://" + str(request.url).removeprefix("https://")
        return super().send(request, **kwargs)


def standin_client(standin: SalesforceStandIn, version: str = "59.0") -> Salesforce:
    """A session-login simple-salesforce client whose every call reaches the stand-in."""
    session = requests.Session()
    host = standin.instance_url.removeprefix("http://")
    session.mount(f"https://{host}", _PlainHttp())
    return Salesforce(
        instance_url=f"https://{host}", session_id=standin.token, version=version, session=session
    )
