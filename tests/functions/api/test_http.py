"""The HTTP boundary's own rules: the body cap, JSON parsing, and errors from the servers around the app."""

from __future__ import annotations

import io
import json
import sys
from typing import cast

import pytest
from flask import Flask
from google.cloud import firestore

from hearth.api import http
from hearth.api.app import create_app
from hearth.deps import Config, Deps, utc_now
from hearth.errors import BadRequest, PayloadTooLarge
from tests.support.inprocess import verify_token


class Trickle(io.RawIOBase):
    """A body with no declared length that never ends, handed out a few bytes per read, counting them."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), 1000)
        buffer[:n] = b" " * n
        self.given += n
        return n


def test_read_capped_takes_a_body_up_to_the_cap():
    assert http.read_capped(io.BytesIO(b"x" * 100), None, cap=100) == b"x" * 100
    assert http.read_capped(io.BytesIO(b""), None, cap=100) == b""


def test_read_capped_refuses_one_byte_more_without_a_declared_length():
    with pytest.raises(PayloadTooLarge):
        http.read_capped(io.BytesIO(b"x" * 101), None, cap=100)


def test_read_capped_reads_at_most_cap_plus_one_bytes_of_an_endless_body():
    stream = Trickle()
    with pytest.raises(PayloadTooLarge):
        http.read_capped(stream, None, cap=64 * 1024)
    assert stream.given == 64 * 1024 + 1


def test_read_capped_refuses_a_declared_length_over_the_cap_without_reading():
    stream = Trickle()
    with pytest.raises(PayloadTooLarge):
        http.read_capped(stream, 10_000_000, cap=64 * 1024)
    assert stream.given == 0


@pytest.mark.parametrize("value,depth", [(1, 0), ("s", 0), ([], 1), ({}, 1), ({"a": [1, {"b": []}]}, 4), ([[[[]]]], 4)])
def test_json_depth_counts_nested_arrays_and_objects(value, depth):
    assert http.json_depth(value) == depth


def test_parse_json_allows_the_depth_limit_and_refuses_one_more():
    limit = http.MAX_JSON_DEPTH
    assert http.parse_json(("[" * limit + "]" * limit).encode()) == eval("[" * limit + "]" * limit)
    with pytest.raises(BadRequest, match="nests deeper"):
        http.parse_json(("[" * (limit + 1) + "]" * (limit + 1)).encode())


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' + b"{" * 5000,
        b"NaN",
        b'{"a": Infinity}',
        b"-Infinity",
        b"",
        b"{",
        b"\xff\xfe\x00",
        b'{"a": 1' + b"9" * 5000 + b"}",
    ],
)
def test_parse_json_refuses_deep_malformed_or_non_standard_json_as_bad_request(raw):
    with pytest.raises(BadRequest):
        http.parse_json(raw)


@pytest.mark.parametrize(
    "status,reason",
    [(400, "Bad Request"), (414, "URI Too Long"), (431, "Request Header Fields Too Large"), (501, "Not Implemented")],
)
def test_server_errors_are_whole_http_responses_in_the_error_shape(status, reason):
    raw = http.server_error_bytes(status, reason)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == f"HTTP/1.1 {status} {reason}"
    assert "Content-Type: application/json" in lines and f"Content-Length: {len(body)}" in lines
    error = json.loads(body)["error"]
    assert error["code"] == ("internal" if status >= 500 else "bad_request") and error["message"]


def test_gunicorns_error_writer_is_replaced_by_the_json_one():
    from gunicorn import util

    sent = []
    http.install_server_errors()
    original = util.write_nonblock
    util.write_nonblock = lambda sock, data, chunked=False: sent.append(data)
    try:
        util.write_error(None, 431, "Request Header Fields Too Large", "limit request headers fields size")
    finally:
        util.write_nonblock = original
    assert sent == [http.server_error_bytes(431, "Request Header Fields Too Large")]


@pytest.fixture
def app() -> Flask:
    class NoDb:
        def __getattr__(self, name):
            raise AssertionError("Firestore must not be reached")

    return create_app(
        Deps(db=cast(firestore.Client, NoDb()), verify_token=verify_token, config=Config(), clock=utc_now)
    )


def test_a_declared_length_over_64_kib_is_413_before_the_body_is_read(app):
    stream = Trickle()
    response = app.test_client().post(
        "/api/threads",
        content_type="application/json",
        headers={"Authorization": "Bearer u1"},
        environ_overrides={"wsgi.input": stream, "CONTENT_LENGTH": "10000000"},
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert stream.given == 0


@pytest.fixture
def function_app(monkeypatch):
    """The deployed shape: functions-framework's own Flask app with main.api mounted, in-process."""
    import functions_framework

    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:9")  # never dialled: nothing here reaches Firestore
    monkeypatch.setenv("GCLOUD_PROJECT", "demo-hearth")
    # functions-framework imports main afresh and points its errorhandler hook at its new app: put both back.
    monkeypatch.setitem(sys.modules, "main", sys.modules.get("main"))
    monkeypatch.setattr(functions_framework, "errorhandler", functions_framework.errorhandler)
    return functions_framework.create_app(target="api", source="functions/main.py")


@pytest.mark.parametrize(
    "path",
    [
        "/api/threads/abc%0A",
        "/api/threads/%0A/comments",
        "/api/threads/%zz",
        "/api/threads/%E9",
        "/api/threads/%",
        "/api/nope",
        "/nope",
        "/",
        "/favicon.ico",
        "/api/threads/__x__",
        "/api/users/%00",
    ],
)
def test_the_function_answers_odd_paths_in_the_error_shape(function_app, path):
    response = function_app.test_client().get(path)
    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("error", ["ServiceUnavailable", "DeadlineExceeded", "ResourceExhausted", "Aborted"])
def test_firestore_failures_that_pass_are_503_busy_with_retry_after(error):
    from google.api_core import exceptions as google_errors

    class FailingDb:
        def __getattr__(self, name):
            raise getattr(google_errors, error)("secret internal detail")

    app = create_app(
        Deps(db=cast(firestore.Client, FailingDb()), verify_token=verify_token, config=Config(), clock=utc_now)
    )
    response = app.test_client().get("/api/threads")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "busy"
    assert "secret" not in response.get_data(as_text=True)


def _app_whose_db_raises(exc: Exception) -> Flask:
    class FailingDb:
        def __getattr__(self, name):
            raise exc

    return create_app(
        Deps(db=cast(firestore.Client, FailingDb()), verify_token=verify_token, config=Config(), clock=utc_now)
    )


def test_a_commit_that_kept_aborting_is_503_busy():
    from google.api_core import exceptions as google_errors

    try:
        raise ValueError("Failed to commit transaction in 5 attempts.") from google_errors.Aborted("contention")
    except ValueError as exc:
        wrapped = exc
    response = _app_whose_db_raises(wrapped).test_client().get("/api/threads")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "busy"


def test_any_other_value_error_is_a_500_without_internals():
    response = _app_whose_db_raises(ValueError("secret internal detail")).test_client().get("/api/threads")
    assert response.status_code == 500 and "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "token, status, runs",
    [
        ("checked", 200, True),  # a checked caller's success
        ("checked", 403, True),  # a refused moderator loses the rules' record at once (issue 15)
        ("checked", 422, False),  # any other refusal costs no Firestore call
        ("unchecked", 200, False),  # a stale token must never write its claim back
        (None, 200, False),  # anonymous
    ],
)
def test_the_signed_in_hook_runs_only_for_a_checked_caller_answered_2xx_or_403(token, status, runs):
    """http.after_signed_in carries issue 15's rule for the role sync: checked callers only, a 403 included."""
    seen: list[tuple[str, bool]] = []
    deps = Deps(db=cast(firestore.Client, object()), verify_token=verify_token, config=Config(), clock=utc_now)
    app = Flask("hook")
    app.config["HEARTH_DEPS"] = deps

    @app.get("/x")
    def x():
        if token == "checked":
            http.require_caller(check_revoked=True)
        else:
            http.optional_caller()
        return {"ok": True}, status

    http.install(app, signed_in_hook=lambda d, who: seen.append((who.uid, who.checked)))
    headers = {"Authorization": "Bearer u1"} if token else {}
    response = app.test_client().get("/x", headers=headers)
    assert response.status_code == status
    assert seen == ([("u1", True)] if runs else [])
