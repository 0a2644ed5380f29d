"""What a notification is about (its `kind`)."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    """A notification's `kind`; the first three are the ones a member may turn off (settings)."""

    REPLY = "reply"  # a reply to one's comment
    COMMENT = "comment"  # a comment on one's thread (grouped by run: notifications/groups.py)
    MENTION = "mention"  # an @mention in a thread or comment
    MODERATION = "moderation"  # a moderator's or the forum's action on one's post or account


REPLY, COMMENT, MENTION, MODERATION = (
    NotificationKind.REPLY,
    NotificationKind.COMMENT,
    NotificationKind.MENTION,
    NotificationKind.MODERATION,
)
# What the notification settings switch on and off; moderation notices always reach their member.
OPTIONAL_KINDS: tuple[NotificationKind, ...] = (REPLY, COMMENT, MENTION)
