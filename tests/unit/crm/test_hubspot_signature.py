"""HubSpot's signatures against its guide's published examples, and hostile headers."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from bot.crm.hubspot_signature import (
    MAX_AGE_MS,
    is_signed_by_hubspot,
    signed_uri,
    v1_signature,
    v2_signature,
    v3_signature,
)

DOC_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
DOC_BODY = (
    b'[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,'
    b'"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,'
    b'"changeSource":"CRM","changeFlag":"NEW","appId":54321}]'
)
NOW = 1_764_000_000_000


def test_v1_matches_hubspots_published_example() -> None:
    expected = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de"
    assert v1_signature(DOC_SECRET, DOC_BODY) == expected
    headers = {"X-HubSpot-Signature": expected, "X-HubSpot-Signature-Version": "v1"}
    assert is_signed_by_hubspot(DOC_SECRET, "POST", "https://x/api/hubspot", DOC_BODY, headers, NOW)


def test_v2_matches_hubspots_published_get_example() -> None:
    expected = "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e"
    assert v2_signature(DOC_SECRET, "GET", "https://www.example.com/webhook_uri", b"") == expected


def test_v3_is_base64_hmac_of_method_uri_body_timestamp() -> None:
    stamp = str(NOW)
    uri = "https://sla.example.com/api/hubspot"
    source = b"POST" + uri.encode() + DOC_BODY + stamp.encode()
    expected = base64.b64encode(hmac.new(b"s", source, hashlib.sha256).digest()).decode()
    assert v3_signature("s", "POST", uri, DOC_BODY, stamp) == expected
    headers = {"X-HubSpot-Signature-v3": expected, "X-HubSpot-Request-Timestamp": stamp}
    assert is_signed_by_hubspot("s", "POST", uri, DOC_BODY, headers, NOW)
    assert not is_signed_by_hubspot("s", "POST", uri, DOC_BODY, headers, NOW + MAX_AGE_MS + 1)
    assert not is_signed_by_hubspot("s", "POST", uri + "?x=1", DOC_BODY, headers, NOW)
    assert not is_signed_by_hubspot("", "POST", uri, DOC_BODY, headers, NOW)


def test_the_uri_is_signed_with_the_listed_escapes_decoded() -> None:
    assert (
        signed_uri("https://x/api/hubspot?a=b%3Ac%2Fd%20e") == "https://x/api/hubspot?a=b:c/d%20e"
    )


@given(
    headers=st.dictionaries(
        st.sampled_from(
            [
                "X-HubSpot-Signature-v3",
                "X-HubSpot-Request-Timestamp",
                "X-HubSpot-Signature",
                "X-HubSpot-Signature-Version",
            ]
        ),
        st.text(max_size=80),
    ),
    body=st.binary(max_size=200),
)
def test_hostile_headers_never_pass_and_never_raise(headers: dict, body: bytes) -> None:
    assert not is_signed_by_hubspot("secret", "POST", "https://x/api/hubspot", body, headers, NOW)
