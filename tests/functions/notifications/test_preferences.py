"""Notification settings and blocks as the fan-out reads them (notifications/preferences.py)."""

from __future__ import annotations

from hearth.notifications.fanout import heard
from hearth.notifications.kinds import NotificationKind
from hearth.notifications.preferences import blocked, notify_settings, wants


def test_every_kind_notifies_until_turned_off():
    assert notify_settings(None) == {"reply": True, "comment": True, "mention": True}
    assert notify_settings({"notify": {"comment": False, "reply": True}}) == {
        "reply": True,
        "comment": False,
        "mention": True,
    }


def test_a_blocked_actor_and_a_kind_turned_off_are_not_heard():
    prefs = {"notify": {"mention": False}, "blocked": {"troll": {"handle": "troll"}}}
    assert wants(prefs, NotificationKind.REPLY, "friend")
    assert not wants(prefs, NotificationKind.MENTION, "friend")
    assert not wants(prefs, NotificationKind.REPLY, "troll")
    assert wants(prefs, NotificationKind.MODERATION, None)  # moderation notices always reach their member
    assert wants(None, NotificationKind.COMMENT, "anyone")
    assert list(blocked(prefs)) == ["troll"]


def test_a_muted_thread_is_never_heard():
    assert heard(False, None, NotificationKind.COMMENT, "a")
    assert not heard(True, None, NotificationKind.COMMENT, "a")
    assert not heard(False, {"blocked": {"a": {}}}, NotificationKind.COMMENT, "a")


def test_a_kind_turned_off_falls_back_to_the_next_kind_of_the_post():
    from hearth.notifications.fanout import kind_heard, recipient_kinds

    kinds = recipient_kinds("bob", thread_author="ada", mentioned=["ada", "cy"])
    assert kinds == {"ada": ("comment", "mention"), "cy": ("mention",)}
    assert kind_heard(False, {"notify": {"comment": False}}, kinds["ada"], "bob") == "mention"
    assert kind_heard(False, {"notify": {"comment": False, "mention": False}}, kinds["ada"], "bob") is None
    assert kind_heard(False, None, "reply", "bob") == "reply"
