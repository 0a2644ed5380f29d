"""The one HTTP boundary: JSON in (parsed into input models), JSON out, domain errors to status codes,
caching headers."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from typing import IO, Any, TypeVar, get_origin

from firebase_functions import logger
from flask import Flask, Response, current_app, g, request
from google.api_core import exceptions as google_errors
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError as NoMatch

from .. import validation
from ..auth import Caller, identify
from ..deps import Deps
from ..errors import ApiError, BadRequest, Busy, Invalid, PayloadTooLarge, Unauthenticated
from ..validation import MAX_BODY_BYTES, MAX_JSON_DEPTH
from .models import RULE_ERROR, Body, Query

# What the app runs after a successful request by a signed-in caller (create_app registers the
# profile's role sync): the boundary knows when, the domain knows what.
SignedInHook = Callable[[Deps, Caller], None]
# Failures of Firestore that pass: answered 503 with Retry-After, like contention (errors.Busy).
TRANSIENT_ERRORS = (
    google_errors.ServiceUnavailable,
    google_errors.DeadlineExceeded,
    google_errors.ResourceExhausted,
    google_errors.Aborted,
)


def deps() -> Deps:
    deps_: Deps = current_app.config["HEARTH_DEPS"]
    return deps_


def read_capped(stream: IO[bytes], declared_length: int | None, cap: int = MAX_BODY_BYTES) -> bytes:
    """At most cap bytes of a body; PayloadTooLarge if it declares or holds more.

    Reads cap + 1 bytes at most, so a chunked body (no Content-Length) cannot slip past the cap
    and is never buffered whole.
    """
    if declared_length is not None and declared_length > cap:
        raise PayloadTooLarge(f"the request body is larger than {cap // 1024} KiB")
    chunks, size = [], 0
    while size <= cap:
        chunk = stream.read(cap + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > cap:
        raise PayloadTooLarge(f"the request body is larger than {cap // 1024} KiB")
    return b"".join(chunks)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar is 0); iterative."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(raw: bytes) -> Any:
    """A JSON body: RFC 8259 JSON (no NaN or Infinity) nested at most MAX_JSON_DEPTH deep; else BadRequest."""
    if not raw:
        raise BadRequest("the request needs a JSON body")
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadRequest(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the request body is not valid JSON") from None
    if json_depth(value) > MAX_JSON_DEPTH:
        raise BadRequest(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def json_body() -> Any:
    """The request's JSON body, capped at 64 KiB (read it once: it comes off the stream)."""
    return parse_json(read_capped(request.stream, request.content_length))


B = TypeVar("B", bound=Body)
Q = TypeVar("Q", bound=Query)


def body(model: type[B], **context: Any) -> B:
    """The request's JSON body as model (context: what its rules need, such as now); a refusal is a 422
    (handle_validation_error), a body that is not a JSON object a 400."""
    data = json_body()
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return model.model_validate(data, context=context)


def query(model: type[Q]) -> Q:
    """The query string as model; a parameter given twice counts once, as its first value, except
    where the model's field is a list (keys=a&keys=b)."""
    args: dict[str, Any] = request.args.to_dict(flat=True)
    for name, info in model.model_fields.items():
        if get_origin(info.annotation) is list:
            args[name] = request.args.getlist(name)
    return model.model_validate(args)


def invalid(exc: ValidationError) -> Invalid:
    """A model's refusal in the API's words: an unknown field first (as a typo), then the first field at fault."""
    errors = exc.errors(include_url=False)
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    field = str(first["loc"][0]) if first["loc"] else None
    if first["type"] == RULE_ERROR:
        ctx = first.get("ctx") or {}
        return Invalid(str(ctx.get("message") or first["msg"]), field=ctx.get("field"))
    if first["type"] == "extra_forbidden":  # in a nested object, named by its whole path (notify.moderation)
        return Invalid(f"unknown field '{'.'.join(str(p) for p in first['loc'])}'", field=field)
    if first["type"] == "missing":
        return Invalid(f"{field} is required", field=field)
    return Invalid(f"{field}: {first['msg']}" if field else first["msg"], field=field)


def handle_validation_error(exc: ValidationError) -> Response:
    refused = invalid(exc)
    return error_response(refused.status, refused.code, refused.message, refused.field)


# The regexes themselves refuse Firestore's reserved __.*__ (a segment is matched on its own), so no rule
# matches such a path and werkzeug answers 404: a converter refusing in to_python after its rule matched would
# make that a 405 wherever another method's rule shares the path.
RESERVED_SEGMENT = r"(?!__{chars}*__\Z)"


class IdConverter(BaseConverter):
    """A Hearth id in a URL path (validation.ID_RE, Firestore's id rules): anything else matches no route, a 404."""

    regex = RESERVED_SEGMENT.format(chars="[A-Za-z0-9_-]") + validation.ID_RE.pattern

    def to_python(self, value: str) -> str:
        if not validation.is_id(value):
            raise NoMatch()
        return value


class HandleConverter(BaseConverter):
    """A handle in a URL path (validation.HANDLE_RE, not __x__): anything else matches no route, a 404."""

    regex = RESERVED_SEGMENT.format(chars="[a-z0-9_]") + validation.HANDLE_RE.pattern

    def to_python(self, value: str) -> str:
        if not validation.is_handle(value):
            raise NoMatch()
        return value


CONVERTERS = {"id": IdConverter, "handle": HandleConverter}


def _identify(*, check_revoked: bool) -> Caller | None:
    who = identify(request.headers.get("Authorization"), deps().verify_token, check_revoked=check_revoked)
    g.hearth_caller = who  # for the after-request hook (after_signed_in)
    return who


def client_address() -> str | None:
    """The address an anonymous request came from, for per-address limits: the first hop of
    X-Forwarded-For (Hosting and Cloud Functions put the client there), else the socket's peer.
    A client can write that header itself, so such a limit is never the only one."""
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
    return forwarded[:64] or request.remote_addr


def optional_caller() -> Caller | None:
    """The signed-in caller, or None for an anonymous request; a bad token is still Unauthenticated.

    Reads do not check revocation (that costs a call to Auth); an expired token is refused all the
    same, and a token carrying the moderator claim is checked fresh anyway (auth.identify).
    """
    return _identify(check_revoked=False)


def require_caller(*, check_revoked: bool = True) -> Caller:
    """The signed-in caller; Unauthenticated for an anonymous request.

    Writes check that the token was not revoked; check_revoked=False is for requests that store
    nothing (a preview), where that call to Auth buys nothing.
    """
    who = _identify(check_revoked=check_revoked)
    if who is None:
        raise Unauthenticated("sign in first: send 'Authorization: Bearer <Firebase ID token>'")
    return who


def after_signed_in(hook: SignedInHook) -> Callable[[Response], Response]:
    """An after-request handler that runs hook(deps, caller) once a checked caller's request is answered.

    Only a checked caller (token checked against Auth: revocation, a fresh moderator claim) is
    handed on: a stale token of a demoted moderator must never write `moderator` back. It runs
    after the request's own work, when that succeeded or was refused with a 403 (a demoted
    moderator refused the queue must lose the rules' record at once), so any other refused
    request still costs no Firestore call; a failure of the hook is logged, never the answer
    (the next request tries again).
    """

    def run(response: Response) -> Response:
        who = g.pop("hearth_caller", None)
        if who is not None and who.checked and (response.status_code < 400 or response.status_code == 403):
            try:
                hook(deps(), who)
            except Exception:  # noqa: BLE001 - the request's answer stands; logged with its traceback
                logger.warn(f"after-request work for {who.uid} failed\n{traceback.format_exc()}", uid=who.uid)
        return response

    return run


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
) -> Response:
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


HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid_argument",
    429: "rate_limited",
    431: "bad_request",
    500: "internal",
    503: "busy",
}
HTTP_MESSAGES = {
    404: "no such endpoint",
    405: "method not allowed on this endpoint",
    413: f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB",
    431: "the request's headers are too large",
    500: "something went wrong on our side; try again",
}


def http_error_response(exc: HTTPException) -> Response:
    """Any HTTP error werkzeug or Flask raises (routing, methods, sizes), in the error shape."""
    status = exc.code or 500
    if status >= 500:
        status = 500
    message = HTTP_MESSAGES.get(status) or "the request is malformed"
    allowed = exc.valid_methods if isinstance(exc, MethodNotAllowed) else None
    headers = {"Allow": ", ".join(allowed)} if allowed else None
    code = HTTP_CODES.get(status, "bad_request" if status < 500 else "internal")
    return error_response(status, code, message, headers=headers)


SERVER_MESSAGES = {
    400: "the request is malformed",
    414: "the URL is too long",
    417: "the request's Expect header cannot be met",
    431: "the request's headers are too large",
    501: "the request's transfer coding is not supported",
}


def server_error_bytes(status: int, reason: str) -> bytes:
    """A whole HTTP/1.1 error response in the API's error shape, for the server to write itself."""
    code = HTTP_CODES.get(status, "bad_request" if status < 500 else "internal")
    message = SERVER_MESSAGES.get(status) or HTTP_MESSAGES.get(status) or reason
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Cache-Control: no-store\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def install_server_errors() -> None:
    """Make gunicorn answer what it refuses before the app runs (headers over 8 KiB, over 100 header
    fields, a malformed request line) in the error shape rather than its HTML page.

    functions-framework runs the function in gunicorn, locally and deployed, and gives no hook for
    these answers, so gunicorn's one error writer is replaced; status and reason stay gunicorn's.
    """
    try:
        from gunicorn import util
    except ImportError:  # not running under gunicorn: nothing to change
        return

    def write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
        util.write_nonblock(sock, server_error_bytes(int(status_int), reason))

    util.write_error = write_error


def handle_transient(exc: Exception) -> Response:
    logger.warn(
        f"Firestore is unavailable or busy on {request.method} {request.path}: {exc!r}",
        method=request.method,
        path=request.path,
    )
    busy = Busy("the forum is busy right now; try again in a moment")
    return error_response(busy.status, busy.code, busy.message, headers=busy.headers())


def handle_value_error(exc: ValueError) -> Response:
    """google-cloud-firestore wraps a commit that kept aborting (contention) in a ValueError from the
    Aborted: that is busy (503), any other ValueError unexpected (500)."""
    if isinstance(exc.__cause__, TRANSIENT_ERRORS):
        return handle_transient(exc)
    return handle_unexpected(exc)


def handle_unexpected(exc: Exception) -> Response:
    # One ERROR entry whose message holds the traceback: Cloud Error Reporting groups it from there.
    logger.error(
        f"unhandled error on {request.method} {request.path}\n" + "".join(traceback.format_exception(exc)),
        method=request.method,
        path=request.path,
    )
    return error_response(500, "internal", HTTP_MESSAGES[500])


def cache_for(seconds: int) -> None:
    """Let the CDN keep this request's public answer for `seconds` rather than the default."""
    g.hearth_cache_seconds = seconds


def add_caching(response: Response) -> Response:
    """Public GETs are cacheable briefly by the CDN; personalised ones are private; writes are not."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        response.headers.setdefault("Cache-Control", "no-store")
        return response
    response.headers["Vary"] = "Authorization"
    if request.headers.get("Authorization"):
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        seconds = g.get("hearth_cache_seconds") or deps().config.cache_seconds
        response.headers["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}, stale-while-revalidate={seconds}"
    # Werkzeug's conditional responses: a strong ETag of the body; a matching If-None-Match is a 304
    # without a body (its entity headers dropped when it is sent).
    response.add_etag()
    response.make_conditional(request)  # changes the response in place
    return response


def install(app: Flask, *, signed_in_hook: SignedInHook | None = None) -> None:
    """Wire the boundary into an app: error handlers, caching, and the hook run after a signed-in
    caller's successful request. json_body() caps bodies itself."""
    # No MAX_CONTENT_LENGTH: werkzeug would cut a chunked body at the limit and hand back the
    # prefix; read_capped() refuses it instead.
    app.json.sort_keys = False  # type: ignore[attr-defined]  # DefaultJSONProvider's: keep the serializers' order
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(HTTPException, http_error_response)
    for exc_type in TRANSIENT_ERRORS:
        app.register_error_handler(exc_type, handle_transient)
    app.register_error_handler(ValueError, handle_value_error)
    app.register_error_handler(Exception, handle_unexpected)
    app.after_request(add_caching)
    if signed_in_hook is not None:
        app.after_request(after_signed_in(signed_in_hook))
