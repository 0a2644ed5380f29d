"""The one HTTP boundary: JSON in, JSON out, domain errors to status codes, caching headers."""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from .auth import Caller, identify
from .deps import Deps
from .errors import ApiError, BadRequest, Unauthenticated

MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("hearth")


def deps() -> Deps:
    return current_app.config["HEARTH_DEPS"]


def json_body() -> Any:
    """The request's JSON body (size already capped by MAX_CONTENT_LENGTH)."""
    raw = request.get_data(cache=True)
    if not raw:
        raise BadRequest("the request needs a JSON body")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the request body is not valid JSON") from None


def caller(*, required: bool) -> Caller | None:
    """The signed-in caller. Writes (required=True) check revocation and refuse anonymous callers."""
    who = identify(request.headers.get("Authorization"), deps().verify_token, check_revoked=required)
    if required and who is None:
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <Firebase ID token>'")
    return who


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None, details: dict[str, Any] | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    error.update(details or {})
    response = current_app.response_class(
        json.dumps({"error": error}), status=status, mimetype="application/json", headers=headers or {}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def handle_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers(), exc.details())


HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = {
        404: "no such endpoint",
        405: "method not allowed on this endpoint",
        413: f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB",
    }.get(status, exc.description or "request failed")
    headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else None
    return error_response(status, HTTP_CODES.get(status, "error"), message, headers=headers)


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal", "something went wrong on our side; try again")


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def add_caching(response: Response) -> Response:
    """Public GETs are cacheable briefly by the CDN; personalised ones are private; writes are not."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        response.headers.setdefault("Cache-Control", "no-store")
        return response
    response.headers["Vary"] = "Authorization"
    if request.headers.get("Authorization"):
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        seconds = deps().config.cache_seconds
        response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}, stale-while-revalidate={seconds}"
    etag = etag_of(response.get_data())
    response.headers["ETag"] = etag
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response.status_code = 304
        response.set_data(b"")
        response.headers.pop("Content-Type", None)
        response.headers.pop("Content-Length", None)
    return response


def install(app: Flask) -> None:
    """Wire the boundary into an app: body cap, error handlers, caching."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # keep fields in the order the serializers build them
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
    app.after_request(add_caching)
