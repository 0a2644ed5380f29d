"""Firestore documents to the API's JSON (camelCase, RFC 3339 times)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping

from ..moderation.visibility import VISIBLE
from ..validation import REACTION_TYPES


def rfc3339(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def counts(raw: Mapping[str, Any] | None) -> dict[str, int]:
    """Every reaction type with its count, zero when nobody used it."""
    raw = raw or {}
    return {t: int(raw.get(t, 0)) for t in REACTION_TYPES}


def author(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    return {"uid": raw.get("uid"), "handle": raw.get("handle"), "displayName": raw.get("displayName")}


def suspension(data: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
    """A user's suspension while it lasts ({reason, until}), from their standing document; None before and after."""
    raw = data.get("suspension")
    if not raw or raw.get("until") is None or raw["until"] <= now:
        return None
    return {"reason": raw.get("reason", ""), "until": rfc3339(raw["until"])}


def profile(
    uid: str, data: Mapping[str, Any], now: datetime, standing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A profile. Its suspension (while it lasts) comes from the private standing document, which
    only the user and moderators are given (standing None: nobody else learns of it)."""
    return {
        "uid": uid,
        "handle": data["handle"],
        "displayName": data.get("displayName", data["handle"]),
        "bio": data.get("bio", ""),
        "createdAt": rfc3339(data.get("createdAt")),
        "threadCount": int(data.get("threadCount", 0)),
        "commentCount": int(data.get("commentCount", 0)),
        "role": data.get("role", "member"),
        "suspension": suspension(standing or {}, now),
    }


def hidden(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """Why and by whom (a role, never a moderator's name) a hidden item was hidden; None when it is not."""
    if data.get("status") != "hidden":
        return None
    raw = data.get("hidden") or {}
    return {"reason": raw.get("reason"), "by": raw.get("by"), "at": rfc3339(raw.get("at"))}


def page(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The article a page thread discusses: its site (origin) and URL; None for a forum thread."""
    if not raw:
        return None
    return {"site": raw.get("site"), "url": raw.get("url")}


def _masked(data: Mapping[str, Any], reveal: bool) -> bool:
    """A deleted item shows no text; a hidden one shows none unless the viewer may see it (reveal)."""
    status = data.get("status")
    return status == "deleted" or (status == "hidden" and not reveal)


def thread(tid: str, data: Mapping[str, Any], *, full: bool = True, reveal: bool = False) -> dict[str, Any]:
    """A thread; list items (full=False) carry an excerpt instead of the body.

    reveal: the viewer may read a hidden thread (its author or a moderator).
    """
    masked = _masked(data, reveal)
    out: dict[str, Any] = {
        "id": tid,
        "title": ("[deleted]" if data.get("status") == "deleted" else "[hidden]") if masked else data.get("title", ""),
        "author": None if masked else author(data.get("author")),
        "tags": list(data.get("tags", [])),
        "createdAt": rfc3339(data.get("createdAt")),
        "editedAt": rfc3339(data.get("editedAt")),
        "lastActivityAt": rfc3339(data.get("lastActivityAt")),
        "commentCount": int(data.get("commentCount", 0)),
        "reactionCounts": counts(data.get("reactionCounts")),
        "score": int(data.get("score", 0)),
        "status": data.get("status", VISIBLE),
        "locked": bool(data.get("locked", False)),
        "pinned": bool(data.get("pinned", False)),
        "hidden": hidden(data),
        # A page thread (forum/pages.py): the discussion of an article on another site.
        "page": page(data.get("page")),
    }
    if full:
        out["body"] = "" if masked else data.get("body", "")
        out["bodyHtml"] = "" if masked else data.get("bodyHtml", "")
    else:
        out["excerpt"] = "" if masked else data.get("excerpt", "")
    return out


def comment(cid: str, data: Mapping[str, Any], *, reveal: bool = False) -> dict[str, Any]:
    """A comment; a deleted one is a tombstone with neither text nor author, and so is a hidden one
    (a placeholder that says why) unless the viewer may see it (reveal: its author or a moderator)."""
    masked = _masked(data, reveal)
    return {
        "id": cid,
        "threadId": data.get("threadId"),
        "parentId": data.get("parentId"),
        "rootId": data.get("rootId"),
        "depth": int(data.get("depth", 1)),
        "body": "" if masked else data.get("body", ""),
        "bodyHtml": "" if masked else data.get("bodyHtml", ""),
        "author": None if masked else author(data.get("author")),
        "replyTo": None if masked else reply_to(data),
        "createdAt": rfc3339(data.get("createdAt")),
        "editedAt": rfc3339(data.get("editedAt")),
        "reactionCounts": counts(data.get("reactionCounts")),
        "replyCount": int(data.get("replyCount", 0)),
        "descendantCount": int(data.get("descendantCount", 0)),
        "status": data.get("status", VISIBLE),
        "hidden": hidden(data),
    }


def reply_to(comment: Mapping[str, Any]) -> dict[str, Any] | None:
    """The comment a reply answers (repliedToId) and its author's handle, or None for a root."""
    if not comment.get("repliedToId"):
        return None
    return {"id": comment["repliedToId"], "handle": comment.get("repliedToHandle")}


def comment_summary(
    cid: str, data: Mapping[str, Any], thread_data: Mapping[str, Any] | None, excerpt: str
) -> dict[str, Any]:
    """A comment in a list of someone's comments: an excerpt and where it was posted, no body."""
    thread_visible = bool(thread_data) and thread_data.get("status", VISIBLE) == VISIBLE
    return {
        "id": cid,
        "threadId": data.get("threadId"),
        "thread": {"id": data.get("threadId"), "title": thread_data.get("title", "") if thread_visible else None},
        "parentId": data.get("parentId"),
        "depth": int(data.get("depth", 1)),
        "excerpt": excerpt,
        "createdAt": rfc3339(data.get("createdAt")),
        "editedAt": rfc3339(data.get("editedAt")),
        "reactionCounts": counts(data.get("reactionCounts")),
        "replyCount": int(data.get("replyCount", 0)),
    }


def my_reactions(reaction_doc: Mapping[str, Any] | None) -> list[str]:
    types = (reaction_doc or {}).get("types", [])
    return [t for t in REACTION_TYPES if t in types]


def notification(nid: str, data: Mapping[str, Any], read: bool) -> dict[str, Any]:
    """An item of GET /me/notifications (`read` worked out by inbox.is_read)."""
    actor = data.get("actor") or {}
    return {
        "id": nid,
        "kind": data.get("kind"),
        "threadId": data.get("threadId"),
        "threadTitle": data.get("threadTitle", ""),
        "commentId": data.get("commentId"),
        "rootId": data.get("rootId"),
        # A comment on a page thread links back to the article: URL#hearth-c-{commentId}.
        "url": data.get("url"),
        "actor": {"handle": actor.get("handle"), "displayName": actor.get("displayName")},
        "excerpt": data.get("excerpt", ""),
        "createdAt": rfc3339(data.get("createdAt")),
        "read": read,
    }


def notification_group(head: Mapping[str, Any], group: Mapping[str, Any], read: bool) -> dict[str, Any]:
    """A run of comments on one's thread as one item (notifications/groups.fold): where the run began
    (the head: id, commentId, rootId, createdAt, the first unread comment while unread), what it holds
    (count, commentIds, actors) and its newest comment (actor, excerpt, latestAt)."""
    latest = group.get("latest") or head
    actor = latest.get("actor") or {}
    return {
        **notification(str(group["id"]), head, read),
        "actor": {"handle": actor.get("handle"), "displayName": actor.get("displayName")},
        "excerpt": latest.get("excerpt", ""),
        "count": int(group.get("count", 1)),
        "commentIds": list(group.get("commentIds") or []),
        "actors": list(group.get("actors") or []),
        "latestAt": rfc3339(latest.get("memberAt") or head.get("createdAt")),
    }
