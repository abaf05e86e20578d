"""The JSON API under /api/* for CRMs, forms and analytics."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from bot.api_spec.spec import openapi
from bot.cadence.touch_input import parse_touch
from bot.leads.handoff_input import parse_handoff
from bot.runtime.api_body import BodyError, read_json
from bot.ui.catalogue import Catalogue

if TYPE_CHECKING:
    from bot.deps import Deps

ApiView = Callable[..., Any]


def require_token(deps: Deps) -> Callable[[ApiView], ApiView]:
    """Guard a view with the bearer token in SLA_API_TOKEN (503 when the API is not enabled)."""

    def decorate(view: ApiView) -> ApiView:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            expected = deps.settings.sla_api_token
            if expected is None:
                return error(503, deps.catalogue.t("api.disabled"))
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), expected.encode()
            ):
                return error(401, deps.catalogue.t("api.bad_token"))
            return view(*args, **kwargs)

        return guarded

    return decorate


def error(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    """A JSON error answer."""
    return jsonify(error=message, **extra), status


def body_refusal(refused: BodyError, cat: Catalogue) -> str:
    """Why a body was refused, in the agreement's language."""
    key = f"api.body.{refused.code}"
    return cat.t(key, **refused.params) if cat.has(key) else refused.message


def register(web: Flask, deps: Deps) -> None:
    """Mount the /api blueprint and make every /api error answer in JSON."""
    api = Blueprint("api", __name__, url_prefix="/api")
    # The agreement's language: a Spanish team's integrators read Spanish, as its reps do.
    cat = deps.catalogue

    @api.post("/handoffs")
    @require_token(deps)
    def create_handoff() -> tuple[Response, int]:
        try:
            body = read_json(request.stream, request.content_length)
        except BodyError as refused:
            return error(refused.status, body_refusal(refused, cat))
        now = deps.clock()  # read once: "not in the future" and the stored lead agree on it
        data, errors = parse_handoff(body, cat, now=now)
        if data is not None and not data.external_id:
            data, errors = None, {"external_id": cat.t("input.required")}
        if data is None:
            return error(422, cat.t("api.invalid_fields"), fields=errors)
        result = deps.handoffs.hand_off(data, via="api", now=now)
        answer = result.lead.api(deps.agreement.zone)
        answer["outcome"] = result.outcome
        return jsonify(answer), 201 if result.outcome == "created" else 200

    @api.post("/counts")
    @require_token(deps)
    def record_count() -> tuple[Response, int]:
        try:
            body = read_json(request.stream, request.content_length)
        except BodyError as refused:
            return error(refused.status, body_refusal(refused, cat))
        if not isinstance(body, dict):
            return error(
                422,
                cat.t("api.invalid_fields"),
                fields={"body": cat.t("input.not_object")},
            )
        missing = {f: cat.t("input.required") for f in ("metric", "value", "mode") if f not in body}
        unknown = {
            f: cat.t("input.unknown_field")
            for f in body
            if f not in ("metric", "value", "date", "mode")
        }
        not_text = {
            f: cat.t("input.not_text")
            for f in ("metric", "date", "mode")
            if f in body and not isinstance(body[f], str) and not (f == "date" and body[f] is None)
        }
        if missing or unknown or not_text:
            fields = {**missing, **unknown, **not_text}
            return error(422, cat.t("api.invalid_fields"), fields=fields)
        metric, day = body["metric"], body.get("date")
        result = deps.goals.record(metric, body["value"], day, body["mode"], None)
        if result.refusal is not None:
            reason = deps.counts.refusal(result, metric, cat)
            return error(422, cat.t("api.count_refused"), fields={result.field or "body": reason})
        return jsonify(metric=metric, date=str(result.day), value=result.value), 200

    @api.post("/touches")
    @require_token(deps)
    def log_touch() -> tuple[Response, int]:
        # 409 for a closed lead: the request is valid, the lead's state refuses it.
        try:
            body = read_json(request.stream, request.content_length)
        except BodyError as refused:
            return error(refused.status, body_refusal(refused, cat))
        data, errors = parse_touch(body, cat, now=deps.clock())
        if data is None:
            return error(422, cat.t("api.invalid_fields"), fields=errors)
        if deps.api_touches is None:
            return error(503, cat.t("api.disabled"))
        answer = deps.api_touches.log(data)
        if answer.fields is not None:
            return error(422, cat.t("api.invalid_fields"), fields=answer.fields)
        if answer.error_key is not None:
            return error(answer.status, cat.t(f"api.{answer.error_key}"))
        return jsonify(answer.body), answer.status

    @api.get("/openapi.json")
    def describe() -> Response:
        # No token: the description holds no data, and integrators read it before they have one.
        return jsonify(openapi())

    @api.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response, int]:
        return error(exc.code or 500, cat.t("api.http_error", status=exc.code or 500))

    @web.errorhandler(404)
    def not_found(exc: HTTPException) -> tuple[Response, int]:
        return error(404, cat.t("api.no_endpoint"), path=request.path)

    @web.errorhandler(405)
    def not_allowed(exc: HTTPException) -> tuple[Response, int]:
        return error(405, cat.t("api.wrong_method"), path=request.path)

    web.register_blueprint(api)
