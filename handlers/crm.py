"""POST /api/hubspot: HubSpot-signed webhooks (not the bearer token), checked before any read."""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

from flask import Flask, Response, jsonify, request

from bot.crm.hubspot_in import Malformed
from bot.crm.hubspot_signature import is_signed_by_hubspot
from bot.runtime.api_body import MAX_BODY_BYTES, BodyError, read_json
from handlers.api import body_refusal, error

if TYPE_CHECKING:
    from bot.deps import Deps


def register(web: Flask, deps: Deps) -> None:
    """Mount the HubSpot webhook route."""
    cat = deps.catalogue

    @web.post("/api/hubspot")
    def hubspot() -> tuple[Response, int]:
        secret = deps.settings.hubspot_client_secret
        if not secret or deps.hubspot_in is None:
            return error(503, cat.t("hubspot_in.disabled"))
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return error(413, cat.t("api.body.too_large", limit=MAX_BODY_BYTES))
        body = request.get_data(cache=False)[: MAX_BODY_BYTES + 1]
        # HubSpot signs the URL it called; behind a proxy only PUBLIC_URL knows it.
        base = deps.settings.public_url or request.host_url.rstrip("/")
        query = request.query_string.decode("latin-1")
        uri = base + request.path + (f"?{query}" if query else "")
        now_ms = int(time.time() * 1000)
        if not is_signed_by_hubspot(secret, request.method, uri, body, request.headers, now_ms):
            return error(401, cat.t("hubspot_in.bad_signature"))
        try:
            parsed = read_json(io.BytesIO(body), len(body))
        except BodyError as refused:
            return error(refused.status, body_refusal(refused, cat))
        try:
            received = deps.hubspot_in.receive(parsed)
        except Malformed as bad:
            fields = {bad.field: cat.t(f"hubspot_in.problem.{bad.code}")}
            return error(400, cat.t("hubspot_in.malformed"), fields=fields)
        # Subscription events are journaled and answered at once; their contacts are read later.
        return jsonify(received.answer()), 200
