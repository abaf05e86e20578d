"""POST /api/salesforce: Outbound Messages (SOAP), acknowledged as Salesforce requires."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, request

from bot.crm.salesforce_soap import ACK, MAX_BODY, SoapError, parse
from sla_rules.salesforce_mapping import same_org

if TYPE_CHECKING:
    from bot.deps import Deps


def _plain(status: int, text: str) -> Response:
    return Response(text, status=status, mimetype="text/plain")


def register(web: Flask, deps: Deps) -> None:
    """Mount POST /api/salesforce."""
    cat = deps.catalogue

    @web.post("/api/salesforce")
    def salesforce() -> Response:
        org_id = deps.settings.salesforce_org_id
        if org_id is None or deps.salesforce is None:
            return _plain(503, cat.t("salesforce.disabled"))
        if (request.content_length or 0) > MAX_BODY:
            return _plain(400, cat.t("salesforce.bad_body", what="body (too large)"))
        body = request.stream.read(MAX_BODY + 1)
        try:
            message = parse(body)
        except SoapError as bad:
            return _plain(400, cat.t("salesforce.bad_body", what=bad.what))
        if not same_org(message.organization_id, org_id):
            return _plain(401, cat.t("salesforce.wrong_org"))
        deps.salesforce.receive(message, deps.clock())
        return Response(ACK, status=200, mimetype="text/xml")
