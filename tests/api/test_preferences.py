"""Notification settings and blocks: which kinds notify a member, and members they never hear from."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hearth.notifications.preferences import MAX_BLOCKS
from tests.api.conftest import assert_error
from tests.api.test_notifications import handle_of, inbox, wait_for_inbox  # noqa: F401 - handle_of is a fixture

ALL_ON = {"notify": {"reply": True, "comment": True, "mention": True}}


def test_settings_start_all_on_and_change_one_kind_at_a_time(api, alice):
    assert api.get("/me/settings", alice).json() == ALL_ON
    changed = api.put("/me/settings", alice, json={"notify": {"comment": False}})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"notify": {"reply": True, "comment": False, "mention": True}}
    api.put("/me/settings", alice, json={"notify": {"mention": False, "comment": True}})
    assert api.get("/me/settings", alice).json() == {"notify": {"reply": True, "comment": True, "mention": False}}


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "notify"),
        ({"notify": {}}, "notify"),
        ({"notify": {"comment": "no"}}, "notify"),
        ({"notify": {"comment": None}}, "notify"),
        ({"notify": {"moderation": False}}, "notify"),
        ({"notify": {"comment": False}, "other": 1}, "other"),
        ({"notify": []}, "notify"),
    ],
)
def test_settings_validate_their_body(api, alice, body, field):
    error = assert_error(api.put("/me/settings", alice, json=body), 422, "invalid_argument", field)
    if "moderation" in body.get("notify", {}):
        assert error["message"] == "unknown field 'notify.moderation'"


def test_settings_are_private(api):
    assert_error(api.get("/me/settings"), 401, "unauthenticated")
    assert_error(api.put("/me/settings", json={"notify": {"comment": False}}), 401, "unauthenticated")
    assert_error(api.get("/me/blocks"), 401, "unauthenticated")
    assert_error(api.put("/me/blocks/someone"), 401, "unauthenticated")


def test_a_kind_turned_off_does_not_notify(api, alice, bob, make_user, thread, make_comment, handle_of):  # noqa: F811
    carol = make_user(name="Carol")
    api.put("/me/settings", alice, json={"notify": {"comment": False}})
    api.put("/me/settings", carol, json={"notify": {"reply": False}})
    carols = make_comment(carol, thread["id"], "Carol's root")
    make_comment(bob, thread["id"], f"to Carol, with @{handle_of(alice)}", parent_id=carols["id"])
    # Alice turned comments off, not mentions: she hears of the mention alone; Carol of nothing.
    [item] = wait_for_inbox(api, alice, 1)["items"]
    assert item["kind"] == "mention"
    assert inbox(api, carol)["items"] == []


def test_blocking_collapses_nothing_server_side_but_silences_the_member(
    api,
    alice,
    bob,
    make_user,
    thread,
    make_comment,
    handle_of,  # noqa: F811
):
    carol = make_user(name="Carol")
    bob_handle = handle_of(bob)
    blocked = api.put(f"/me/blocks/{bob_handle}", alice)
    assert blocked.status_code == 200, blocked.text
    assert blocked.json()["handle"] == bob_handle and blocked.json()["blocked"] is True
    assert api.put(f"/me/blocks/{bob_handle}", alice).json()["blocked"] is True  # idempotent
    listed = api.get("/me/blocks", alice).json()
    assert listed["max"] == MAX_BLOCKS
    assert [(b["handle"], b["uid"]) for b in listed["items"]] == [(bob_handle, bob.uid)]
    # Bob's comment and mention reach Alice no more; Carol's comment does.
    make_comment(bob, thread["id"], f"hello @{handle_of(alice)}")
    make_comment(carol, thread["id"], "Carol here")
    [item] = wait_for_inbox(api, alice, 1)["items"]
    assert item["actor"]["displayName"] == "Carol"
    # His posts still show to her (the web UI collapses them).
    assert len(api.get(f"/threads/{thread['id']}/comments", alice).json()["items"]) == 2

    unblocked = api.delete(f"/me/blocks/{bob_handle}", alice)
    assert unblocked.status_code == 200 and unblocked.json()["blocked"] is False
    assert api.delete(f"/me/blocks/{bob_handle}", alice).json()["blocked"] is False  # idempotent
    assert api.get("/me/blocks", alice).json()["items"] == []


def test_blocks_refuse_oneself_and_strangers(api, alice, handle_of):  # noqa: F811
    assert_error(api.put(f"/me/blocks/{handle_of(alice)}", alice), 403, "forbidden")
    assert_error(api.put("/me/blocks/nobody_at_all_here", alice), 404, "not_found")
    assert_error(api.put("/me/blocks/A-B", alice), 404)
    assert api.delete("/me/blocks/nobody_at_all_here", alice).json()["blocked"] is False


def test_blocks_are_bounded(api, alice, bob, db, handle_of):  # noqa: F811
    # MAX_BLOCKS members blocked already (as the API stores them), then one more is a 409.
    bob_handle = handle_of(bob)
    at = datetime.now(timezone.utc)
    full = {f"uid{n}": {"handle": f"gone_{n:03d}", "at": at} for n in range(MAX_BLOCKS)}
    db.document(f"users/{alice.uid}/private/preferences").set({"blocked": full})
    assert_error(api.put(f"/me/blocks/{bob_handle}", alice), 409, "conflict")
    unblocked = api.delete("/me/blocks/gone_007", alice)  # by the handle they had when blocked
    assert unblocked.status_code == 200 and unblocked.json()["uid"] == "uid7"
    assert api.put(f"/me/blocks/{bob_handle}", alice).status_code == 200
    assert len(api.get("/me/blocks", alice).json()["items"]) == MAX_BLOCKS
