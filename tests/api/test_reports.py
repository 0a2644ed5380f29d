"""Reports and auto-hide: one report per user per item; enough distinct reporters hide the item, exactly once."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from google.cloud import firestore

from hearth.moderation.hiding import Target
from hearth.moderation.reports import auto_hide
from tests.api.conftest import assert_error, wait_for

THRESHOLD = 3  # HEARTH_AUTO_HIDE_REPORTS's default


def _report(api, user, path, reason="spam", **extra):
    return api.post(f"{path}/report", user, json={"reason": reason, **extra})


def _reports_of(db, key):
    return list(db.collection("reports").where(filter=firestore.FieldFilter("key", "==", key)).stream())


def _log_of(db, thread_id, action):
    entries = db.collection("modLog").where(filter=firestore.FieldFilter("target.threadId", "==", thread_id)).stream()
    return [e.to_dict() for e in entries if e.get("action") == action]


def test_report_is_202_and_stored_once_per_user(api, db, alice, bob, thread):
    path = f"/threads/{thread['id']}"
    first = _report(api, bob, path, "spam", note="selling watches")
    assert first.status_code == 202, first.text
    body = first.json()
    assert body["reason"] == "spam" and body["note"] == "selling watches"
    assert body["target"] == {"kind": "thread", "threadId": thread["id"], "commentId": None}
    again = _report(api, bob, path, "abuse")
    assert again.status_code == 202 and again.json() == body  # a repeat answers the first report
    stored = _reports_of(db, f"thread~{thread['id']}")
    assert [(r.get("reporter")["uid"], r.get("reason")) for r in stored] == [(bob.uid, "spam")]
    queue = db.collection("modQueue").document(f"thread~{thread['id']}").get()
    assert queue.get("reportCount") == 1 and queue.get("openReports") == 1 and queue.get("state") == "open"
    assert queue.get("reasonCounts") == {"spam": 1}


def test_reporting_needs_sign_in_a_known_reason_and_someone_elses_visible_item(api, alice, bob, thread):
    path = f"/threads/{thread['id']}"
    assert_error(api.post(f"{path}/report", json={"reason": "spam"}), 401, "unauthenticated")
    assert_error(_report(api, alice, path), 403, "forbidden")  # one's own post
    assert_error(_report(api, bob, "/threads/nope"), 404)
    assert_error(_report(api, bob, f"{path}/comments/nope"), 404)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"reason": "outdated"}, "reason"),
        ({}, "reason"),
        ({"reason": "spam", "note": "x" * 501}, "note"),
        ({"reason": "spam", "note": 5}, "note"),
        ({"reason": "spam", "extra": 1}, "extra"),
    ],
)
def test_invalid_report_is_422_and_stores_nothing(api, db, bob, thread, body, field):
    assert_error(api.post(f"/threads/{thread['id']}/report", bob, json=body), 422, "invalid_argument", field)
    assert _reports_of(db, f"thread~{thread['id']}") == []


def test_reporting_is_rate_limited(api, make_user, make_thread):
    reporter, authors = make_user(), [make_user() for _ in range(4)]
    threads = [make_thread(authors[i % 4], title=f"t{i}") for i in range(11)]
    for t in threads[:10]:
        assert _report(api, reporter, f"/threads/{t['id']}").status_code == 202
    response = _report(api, reporter, f"/threads/{threads[10]['id']}")
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1


def test_three_users_reporting_a_comment_at_once_hide_it_exactly_once(
    api, db, make_user, alice, bob, thread, make_comment
):
    comment = make_comment(bob, thread["id"], "spam spam spam")
    make_comment(alice, thread["id"], "a fine comment")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    reporters = [make_user() for _ in range(THRESHOLD)]
    with ThreadPoolExecutor(max_workers=THRESHOLD) as pool:
        statuses = [r.status_code for r in pool.map(lambda u: _report(api, u, path, "spam"), reporters)]
    assert statuses == [202] * THRESHOLD

    key = f"comment~{thread['id']}~{comment['id']}"
    # The trigger stamps every report it has seen: wait until it has seen all three.
    wait_for(
        lambda: all(r.to_dict().get("checkedAt") for r in _reports_of(db, key)) and len(_reports_of(db, key)) == 3,
        what="the trigger to check every report",
    )
    stored = db.collection("threads").document(thread["id"]).collection("comments").document(comment["id"]).get()
    assert stored.get("status") == "hidden"
    assert stored.get("hidden")["reason"] == "flagged" and stored.get("hidden")["by"] == "reports"
    assert len(_log_of(db, thread["id"], "auto_hide")) == 1
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 1  # moved once, not three times
    assert [c["body"] for c in api.get(f"/threads/{thread['id']}/comments").json()["items"]] == ["a fine comment"]
    queue = db.collection("modQueue").document(key).get()
    assert queue.get("autoHidden") is True and queue.get("openReports") == 3
    notices = [n for n in api.get("/me/notifications", bob).json()["items"] if n["kind"] == "moderation"]
    assert [(n["actor"]["displayName"], n["excerpt"]) for n in notices] == [
        ("Hearth", "hid your comment in “Hello”: reported by several readers; a moderator will review it")
    ]

    # A fourth report changes nothing: a repeat answers the same; a newcomer no longer sees the item.
    repeat = _report(api, reporters[0], path, "abuse")
    assert repeat.status_code == 202 and repeat.json()["reason"] == "spam"
    assert_error(_report(api, make_user(), path), 404)
    assert db.collection("modQueue").document(key).get().get("reportCount") == 3
    assert len(_log_of(db, thread["id"], "auto_hide")) == 1

    # A repeated delivery of a report's event (at least once) hides nothing more and moves no count.
    repeated = auto_hide(
        db,
        Target(thread["id"], comment["id"]),
        f"{key}~{reporters[0].uid}",
        THRESHOLD,
        datetime.now(timezone.utc),
        "a-repeated-event",
    )
    assert repeated is False
    assert len(_log_of(db, thread["id"], "auto_hide")) == 1
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 1


def test_two_reports_do_not_hide_and_a_moderators_restore_needs_new_reports_to_hide_again(
    api, db, make_user, moderator, make_thread, tag
):
    thread = make_thread(make_user(), tags=[tag])
    path, key = f"/threads/{thread['id']}", f"thread~{thread['id']}"
    first = [make_user() for _ in range(THRESHOLD - 1)]
    for user in first:
        assert _report(api, user, path, "off_topic").status_code == 202
    wait_for(lambda: all(r.to_dict().get("checkedAt") for r in _reports_of(db, key)), what="the trigger")
    assert api.get(path).json()["status"] == "visible"

    assert _report(api, make_user(), path, "spam").status_code == 202
    wait_for(lambda: api.get(path).status_code == 404, what="auto-hide")
    assert api.get(path, moderator).json()["hidden"]["reason"] == "flagged"
    assert api.get("/threads", params={"tag": tag}).json()["items"] == []

    # A moderator restores it: the reports so far are dealt with, and one more does not hide it again.
    assert api.delete(f"{path}/hidden", moderator).json()["status"] == "visible"
    queue = db.collection("modQueue").document(key).get()
    assert queue.get("state") == "resolved" and queue.get("openReports") == 0
    assert _report(api, make_user(), path, "spam").status_code == 202
    wait_for(
        lambda: len(_reports_of(db, key)) == 4 and all(r.to_dict().get("checkedAt") for r in _reports_of(db, key)),
        what="the trigger",
    )
    assert api.get(path).json()["status"] == "visible"
    assert db.collection("modQueue").document(key).get().get("state") == "open"


def _checked(db, key, count):
    wait_for(
        lambda: len(_reports_of(db, key)) == count and all(r.to_dict().get("checkedAt") for r in _reports_of(db, key)),
        what="the trigger to check every report",
    )


def test_three_unverified_accounts_cannot_hide_anything_their_reports_wait_in_the_queue(
    api, db, make_user, make_thread
):
    """Finding 2: three fresh accounts reached the auto-hide threshold; nothing looked at the reporter."""
    thread = make_thread(make_user(), title="A good thread")
    path = f"/threads/{thread['id']}"
    for puppet in [make_user(verified=False) for _ in range(THRESHOLD)]:
        answer = _report(api, puppet, path)
        assert answer.status_code == 202
        assert answer.json()["countsTowardHiding"] is False and answer.json()["waitsBecause"] == "unverified_email"
    key = f"thread~{thread['id']}"
    _checked(db, key, THRESHOLD)
    assert api.get(path).json()["status"] == "visible"
    queue = db.collection("modQueue").document(key).get()
    stored = queue.to_dict()
    assert stored["openReports"] == THRESHOLD and stored["openTrusted"] == 0 and not stored.get("autoHidden")
    # A verified reporter counts (HEARTH_REPORT_TRUST_HOURS is 0 on the emulators).
    counted = _report(api, make_user(), path)
    assert counted.json()["countsTowardHiding"] is True and counted.json()["waitsBecause"] is None


def test_a_pinned_thread_and_a_moderators_comment_are_never_auto_hidden(
    api, db, make_user, moderator, make_thread, make_comment
):
    """Finding 2: a moderator's pinned thread could be hidden by three reports."""
    thread = make_thread(moderator, title="Rules")
    assert api.patch(f"/threads/{thread['id']}", moderator, json={"pinned": True}).status_code == 200
    comment = make_comment(moderator, thread["id"], "a moderator's comment")
    targets = [f"/threads/{thread['id']}", f"/threads/{thread['id']}/comments/{comment['id']}"]
    reporters = [make_user() for _ in range(THRESHOLD)]
    for path in targets:
        for reporter in reporters:
            assert _report(api, reporter, path).json()["countsTowardHiding"] is True
    _checked(db, f"thread~{thread['id']}", THRESHOLD)
    _checked(db, f"comment~{thread['id']}~{comment['id']}", THRESHOLD)
    assert api.get(targets[0]).json()["status"] == "visible"
    assert api.get(targets[1]).json()["status"] == "visible"
    assert _log_of(db, thread["id"], "auto_hide") == []
