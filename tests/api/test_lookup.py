"""@mention autocomplete: GET /api/users?prefix= finds a few handles, never a directory."""

from __future__ import annotations

import uuid

from hearth.forum.users import HANDLES_FOUND
from tests.api.conftest import assert_error


def test_a_prefix_finds_at_most_five_handles_in_order(api, make_user):
    stem = f"q{uuid.uuid4().hex[:6]}"
    names = [f"{stem}_{n}" for n in range(7)]
    for name in names:
        user = make_user()
        assert api.put("/me", user, json={"handle": name}).status_code == 200
    other = make_user()
    found = api.get("/users", other, params={"prefix": stem})
    assert found.status_code == 200, found.text
    assert found.json() == {"handles": names[:HANDLES_FOUND]}
    assert api.get("/users", other, params={"prefix": f"{stem}_6"}).json() == {"handles": [f"{stem}_6"]}
    assert api.get("/users", other, params={"prefix": f"{stem}_9"}).json() == {"handles": []}


def test_the_lookup_needs_a_signed_in_member_and_a_real_prefix(api, alice):
    assert_error(api.get("/users", params={"prefix": "ab"}), 401, "unauthenticated")
    for bad in ("a", "", "AB", "a b", "x" * 31, "é_x"):
        assert_error(api.get("/users", alice, params={"prefix": bad}), 422, "invalid_argument", "prefix")
    assert_error(api.get("/users", alice), 422, "invalid_argument", "prefix")


def test_the_lookup_is_rate_limited(api, alice):
    codes = [api.get("/users", alice, params={"prefix": "zz"}).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30
    limited = api.get("/users", alice, params={"prefix": "zz"})
    error = assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0 and "lookup" in error["message"]
