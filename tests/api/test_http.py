"""The HTTP boundary: error shape, unknown routes, body limits, caching headers, Hosting in front."""

import time

import pytest

from devstack.authemu import revoke_tokens
from tests.api.conftest import assert_error


def test_unknown_route_is_404_with_the_error_shape(api):
    assert_error(api.get("/nothing/here"), 404, "not_found")


def test_wrong_method_is_405_with_the_error_shape(api):
    assert_error(api.request("PATCH", "/threads"), 405, "method_not_allowed")


def test_body_over_64_kib_is_413_and_stores_nothing(api, alice):
    big = {"title": "t", "body": "x" * (70 * 1024)}
    assert_error(api.post("/threads", alice, json=big), 413, "payload_too_large")
    assert api.get("/me", alice).json()["threadCount"] == 0


@pytest.mark.parametrize(
    "data,headers",
    [("{not json", {"Content-Type": "application/json"}), ("[1, 2]", {"Content-Type": "application/json"}), ("", {})],
)
def test_malformed_json_is_400(api, alice, data, headers):
    assert_error(api.post("/threads", alice, data=data, headers=headers), 400, "bad_request")


def test_revoked_token_cannot_write(api, stack, make_user):
    user = make_user()
    assert api.get("/me", user).status_code == 200
    time.sleep(1.1)  # validSince has second precision; the token must predate it
    revoke_tokens(stack.auth_url, stack.project, user.uid, int(time.time()))
    assert_error(api.post("/threads", user, json={"title": "t", "body": "b"}), 401, "unauthenticated")


def test_public_gets_are_cacheable_with_an_etag_and_304(api, thread):
    path = f"/threads/{thread['id']}"
    first = api.get(path)
    assert first.status_code == 200
    assert "public" in first.headers["Cache-Control"] and "s-maxage" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = api.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    api.put(f"/threads/{thread['id']}/reactions/like", None)  # anonymous: refused, changes nothing
    assert api.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_etag_changes_when_the_content_does(api, alice, bob, thread, make_comment):
    path = f"/threads/{thread['id']}/comments"
    etag = api.get(path).headers["ETag"]
    make_comment(bob, thread["id"])
    changed = api.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_personalised_answers_are_private(api, alice, thread):
    response = api.get(f"/threads/{thread['id']}", alice)
    assert response.headers["Cache-Control"].startswith("private")
    assert "Authorization" in response.headers["Vary"]


def test_writes_are_not_cached(api, alice):
    response = api.post("/threads", alice, json={"title": "t", "body": "b"})
    assert response.headers["Cache-Control"] == "no-store"


def test_the_function_answers_directly_and_through_hostings_rewrite(api, direct_api, thread):
    via_hosting = api.get(f"/threads/{thread['id']}").json()
    direct = direct_api.get(f"/threads/{thread['id']}").json()
    assert via_hosting == direct


def test_openapi_document_is_served(api):
    doc = api.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.") and "/api/threads" in doc["paths"]
