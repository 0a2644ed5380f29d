"""Trust before auto-hide (issue 15, finding 2): who counts, and what is never hidden by reports."""

from datetime import datetime, timedelta, timezone

from hearth.auth import Caller
from hearth.moderation.hiding import Target
from hearth.moderation.reports import NEW_ACCOUNT, UNVERIFIED_EMAIL, distrust, exempt

NOW = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
VERIFIED = Caller("u1", {"email_verified": True})


def test_an_unverified_account_never_counts():
    old = {"createdAt": NOW - timedelta(days=400)}
    assert distrust(Caller("u1", {"email_verified": False}), old, NOW, 24) == UNVERIFIED_EMAIL
    assert distrust(Caller("u1", {}), old, NOW, 0) == UNVERIFIED_EMAIL


def test_a_verified_account_counts_once_it_is_old_enough():
    assert distrust(VERIFIED, {"createdAt": NOW - timedelta(hours=23)}, NOW, 24) == NEW_ACCOUNT
    assert distrust(VERIFIED, {"createdAt": NOW - timedelta(hours=24)}, NOW, 24) is None
    assert distrust(VERIFIED, {}, NOW, 24) == NEW_ACCOUNT  # a profile made by this very report


def test_with_no_waiting_period_a_verified_account_counts_at_once():
    assert distrust(VERIFIED, {"createdAt": NOW}, NOW, 0) is None


def test_pinned_threads_and_moderators_posts_are_never_auto_hidden():
    assert exempt({"pinned": True}, Target("t"), {"role": "member"})
    assert exempt({}, Target("t", "c"), {"role": "moderator"})
    assert exempt({}, Target("t"), {"role": "moderator"})
    assert not exempt({"pinned": False}, Target("t"), {"role": "member"})
    assert not exempt({}, Target("t", "c"), None)
