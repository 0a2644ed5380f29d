"""The app and its HTTP boundary in-process, with stand-ins for Firestore and Auth."""

from __future__ import annotations

import re
from typing import cast

import pytest
from flask import Flask
from google.cloud import firestore

from hearth.api.app import create_app
from hearth.api.openapi import openapi_document
from hearth.deps import Config, Deps, utc_now
from tests.support.wire import ScriptedApi, scripted_client


class ExplodingDb:
    """A Firestore stand-in whose every use fails, as an outage would."""

    def __getattr__(self, name):
        raise RuntimeError("secret internal detail: connection to 10.1.2.3 refused")


def _verify(token: str, check_revoked: bool) -> dict:
    if token == "bad":
        raise ValueError("invalid")
    return {"uid": token}


@pytest.fixture
def app() -> Flask:
    return create_app(
        Deps(db=cast(firestore.Client, ExplodingDb()), verify_token=_verify, config=Config(), clock=utc_now)
    )


def _route_set(app: Flask) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    return routes


def test_openapi_describes_exactly_the_routes_the_app_serves(app):
    documented = {
        (method, path)
        for path, item in openapi_document()["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert documented == _route_set(app)


def test_openapi_path_parameters_match_the_path_templates():
    for path, item in openapi_document()["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, op in item.items():
            if method == "parameters":
                continue
            declared = {p["name"] for p in item.get("parameters", []) + op.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


def test_unexpected_errors_are_500_without_internals(app):
    response = app.test_client().get("/api/threads")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"]["code"] == "internal"
    assert "10.1.2.3" not in response.get_data(as_text=True)
    assert "secret" not in response.get_data(as_text=True)


def test_bad_token_is_401_before_any_firestore_work(app):
    response = app.test_client().post(
        "/api/threads", json={"title": "t", "body": "b"}, headers={"Authorization": "Bearer bad"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_validation_happens_before_any_firestore_work(app):
    response = app.test_client().post(
        "/api/threads", json={"title": "", "body": "b"}, headers={"Authorization": "Bearer u1"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "title"


def test_unknown_routes_and_methods_use_the_error_shape(app):
    client = app.test_client()
    missing = client.get("/api/nope")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/threads")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_oversized_bodies_are_413(app):
    response = app.test_client().post(
        "/api/threads", data="x" * (65 * 1024), content_type="application/json", headers={"Authorization": "Bearer u1"}
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/threads", {"title": "t", "body": "b"}),  # a transaction: the SDK gives up with a ValueError
        ("POST", "/api/threads/t1/comments", {"body": "hello"}),  # preconditioned commits
        ("PUT", "/api/threads/t1/reactions/like", None),
    ],
)
def test_contention_that_outlasts_every_retry_is_503_busy_with_retry_after(monkeypatch, method, path, body):
    """Commits that keep aborting answer 503 busy with Retry-After, never 500."""
    from google.api_core.exceptions import Aborted

    from hearth.db import store

    monkeypatch.setattr(store.time, "sleep", lambda seconds: None)

    def aborted(request):
        raise Aborted("Transaction lock timeout")

    db = scripted_client(ScriptedApi({"threads/t1": {"status": "visible"}}, aborted))
    client = create_app(Deps(db=db, verify_token=_verify, config=Config(), clock=utc_now)).test_client()
    response = client.open(path, method=method, json=body, headers={"Authorization": "Bearer u1"})
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "busy"


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"3", b"null"])
def test_a_body_that_is_not_a_json_object_is_400_before_any_firestore_work(app, body):
    response = app.test_client().post(
        "/api/threads", data=body, content_type="application/json", headers={"Authorization": "Bearer u1"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("value", ["..", "x" * 65, "a b", "__x__", "__main__", "____", "abc%0A", ".", "a%2Fb"])
def test_ids_in_urls_that_cannot_exist_match_no_route_before_any_firestore_work(app, value):
    for method, path in (
        ("GET", f"/api/threads/{value}"),
        ("GET", f"/api/threads/t/comments/{value}"),
        ("PUT", f"/api/threads/{value}/bookmark"),
        ("GET", f"/api/threads/{value}/comments"),
        ("POST", f"/api/threads/{value}/comments"),
        ("PATCH", f"/api/threads/t/comments/{value}"),
    ):
        response = app.test_client().open(path, method=method)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("value", ["__abc__", "ab", "Abc", "a" * 31])
def test_handles_in_urls_that_cannot_exist_match_no_route(app, value):
    assert app.test_client().get(f"/api/users/{value}").status_code == 404


def test_a_valid_id_reaches_the_domain(app):
    # The stand-in Firestore fails on use: a 500 shows the id got past routing to the domain function.
    for tid in ("Xy3kPq8LmN2vB7cD1eFg", "__x", "x__", "___", "a" * 64):
        assert app.test_client().get(f"/api/threads/{tid}").status_code == 500, tid
    assert app.test_client().get("/api/users/some_user").status_code == 500
