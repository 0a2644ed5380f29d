"""The OpenAPI 3 description of the API, served at /api/openapi.json; a test keeps it true to the routes."""
from __future__ import annotations

from typing import Any

from .moderation import AWAITING_APPROVAL, BY_APPROVAL, FLAGGED, HIDE_REASONS
from .reports import NOTE_MAX, REPORT_REASONS
from .validation import BODY_MAX, LIMIT_MAX, REACTION_TYPES, TAGS_MAX, TITLE_MAX


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any], description: str = "OK", status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, **_json(schema)}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/E{s}"} for s in statuses}


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": description}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGING = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": 20}, "page size"),
    _query("cursor", {"type": "string"}, "nextCursor of the previous page"),
]
TID = _path_param("tid", "thread id")
CID = _path_param("cid", "comment id")
KIND = {"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": list(REACTION_TYPES)}}
AUTH = [{"firebaseIdToken": []}]
OPTIONAL_AUTH = [{}, {"firebaseIdToken": []}]
WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429)


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "nextCursor"],
        "properties": {"items": {"type": "array", "items": _ref(item)}, "nextCursor": {"type": ["string", "null"]}},
    }


def _op(summary: str, responses: dict[str, Any], *, security: list | None = None, params: list | None = None,
        body: dict[str, Any] | None = None, errors: tuple[int, ...] = ()) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, **_errors(*errors)}}
    if security is not None:
        op["security"] = security
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    return op


REACTION_RESULT = {
    "type": "object",
    "properties": {
        "reactionCounts": {**_ref("ReactionCounts"),
                           "description": "the target's counts as read just before this change, with it applied"},
        "myReactions": {"type": "array", "items": {"type": "string"}},
    },
}
RENDER_RESULT = {"type": "object", "required": ["bodyHtml"], "properties": {"bodyHtml": {"type": "string"}}}
BOOKMARK_RESULT = {"type": "object", "properties": {"threadId": {"type": "string"}, "bookmarked": {"type": "boolean"}}}
MUTE_RESULT = {"type": "object", "required": ["threadId", "muted"],
               "properties": {"threadId": {"type": "string"}, "muted": {"type": "boolean"}}}
UNREAD_RESULT = {"type": "object", "required": ["unread"], "properties": {"unread": {"type": "integer", "minimum": 0}}}


def _paths() -> dict[str, Any]:
    sort_threads = _query("sort", {"type": "string", "enum": ["new", "top", "active"], "default": "new"}, "order")
    sort_comments = _query("sort", {"type": "string", "enum": ["top", "new", "old"], "default": "top"}, "order")
    no_content = {"204": {"description": "Done"}}
    return {
        "/api/me": {
            "get": _op("The caller's profile (made on first use) and unread notification count", _ok(_ref("Me")),
                       security=AUTH, errors=(401,)),
            "put": _op("Create or update the caller's profile", _ok(_ref("Profile")), security=AUTH,
                       body=_ref("ProfileInput"), errors=(400, 401, 403, 409, 413, 422)),
        },
        "/api/me/bookmarks": {
            "get": _op("The caller's bookmarked threads", _ok(_page_of("ThreadSummary")), security=AUTH,
                       params=PAGING, errors=(401, 422)),
        },
        "/api/me/notifications": {
            "get": _op("The caller's notifications, newest first, and the unread count",
                       _ok(_ref("NotificationPage")), security=AUTH, params=PAGING, errors=(401, 422)),
        },
        "/api/me/notifications/read": {
            "post": _op("Mark the named notifications read, or all of them with {}", _ok(UNREAD_RESULT),
                        security=AUTH, body=_ref("MarkRead"), errors=(400, 401, 413, 422)),
        },
        "/api/users/{handle}": {
            "get": _op("A public profile", _ok(_ref("Profile")), params=[_path_param("handle", "user handle")],
                       errors=(404,)),
        },
        "/api/users/{handle}/suspension": {
            "parameters": [_path_param("handle", "user handle")],
            "put": _op("Suspend a user until a time, with a reason (moderators)", _ok(_ref("Profile")), security=AUTH,
                       body=_ref("SuspensionInput"), errors=(400, 401, 403, 404, 413, 422)),
            "delete": _op("Lift a user's suspension (moderators)", _ok(_ref("Profile")), security=AUTH,
                          errors=(401, 403, 404)),
        },
        "/api/users/{handle}/threads": {
            "get": _op("A user's threads", _ok(_page_of("ThreadSummary")), security=OPTIONAL_AUTH,
                       params=[_path_param("handle", "user handle"), sort_threads, *PAGING], errors=(404, 422)),
        },
        "/api/users/{handle}/comments": {
            "get": _op("A user's visible comments, newest first, with their threads' titles",
                       _ok(_page_of("UserComment")), params=[_path_param("handle", "user handle"), *PAGING],
                       errors=(404, 422)),
        },
        "/api/render": {
            "post": _op("Render a draft body exactly as a post would be (a preview; nothing is stored)",
                        _ok(RENDER_RESULT), security=AUTH, body=_ref("RenderInput"), errors=(400, 401, 413, 422, 429)),
        },
        "/api/threads": {
            "get": _op("A page of threads", _ok(_page_of("ThreadSummary")), security=OPTIONAL_AUTH,
                       params=[sort_threads, _query("tag", {"type": "string"}, "only threads with this tag"), *PAGING],
                       errors=(401, 422)),
            "post": _op("Post a thread", _ok(_ref("Thread"), "Created", "201"), security=AUTH,
                        body=_ref("ThreadInput"), errors=(400, 401, 403, 413, 422, 429)),
        },
        "/api/threads/{tid}": {
            "parameters": [TID],
            "get": _op("A thread", _ok(_ref("Thread")), security=OPTIONAL_AUTH, errors=(401, 404)),
            "patch": _op("Edit a thread (author or moderator)", _ok(_ref("Thread")), security=AUTH,
                         body=_ref("ThreadPatch"), errors=WRITE_ERRORS),
            "delete": _op("Delete a thread (a tombstone stays)", no_content, security=AUTH, errors=(401, 403, 404)),
        },
        "/api/threads/{tid}/comments": {
            "parameters": [TID],
            "get": _op("A page of root comments with their first replies", _ok(_page_of("Comment")),
                       security=OPTIONAL_AUTH, params=[sort_comments, *PAGING], errors=(401, 404, 422)),
            "post": _op("Comment, or reply with parentId", _ok(_ref("Comment"), "Created", "201"), security=AUTH,
                        body=_ref("CommentInput"), errors=WRITE_ERRORS),
        },
        "/api/threads/{tid}/comments/{cid}": {
            "parameters": [TID, CID],
            "get": _op("One comment (a tombstone while replies hang from it); rootId says where it sits",
                       _ok(_ref("Comment")), security=OPTIONAL_AUTH, errors=(401, 404)),
            "patch": _op("Edit a comment (author or moderator)", _ok(_ref("Comment")), security=AUTH,
                         body=_ref("CommentPatch"), errors=WRITE_ERRORS),
            "delete": _op("Delete a comment (a tombstone stays while it has replies)", no_content, security=AUTH,
                          errors=(401, 403, 404)),
        },
        "/api/threads/{tid}/comments/{cid}/replies": {
            "parameters": [TID, CID],
            "get": _op("Every reply under a root comment, oldest first, flat", _ok(_page_of("Comment")),
                       security=OPTIONAL_AUTH, params=PAGING, errors=(401, 404, 422)),
        },
        "/api/threads/{tid}/reactions/{kind}": {
            "parameters": [TID, KIND],
            "put": _op("React to a thread (idempotent)", _ok(REACTION_RESULT), security=AUTH,
                       errors=(401, 403, 404, 422)),
            "delete": _op("Take a reaction back (idempotent)", _ok(REACTION_RESULT), security=AUTH,
                          errors=(401, 403, 404, 422)),
        },
        "/api/threads/{tid}/comments/{cid}/reactions/{kind}": {
            "parameters": [TID, CID, KIND],
            "put": _op("React to a comment (idempotent)", _ok(REACTION_RESULT), security=AUTH,
                       errors=(401, 403, 404, 422)),
            "delete": _op("Take a reaction back (idempotent)", _ok(REACTION_RESULT), security=AUTH,
                          errors=(401, 403, 404, 422)),
        },
        "/api/threads/{tid}/bookmark": {
            "parameters": [TID],
            "put": _op("Bookmark a thread", _ok(BOOKMARK_RESULT), security=AUTH, errors=(401, 403, 404)),
            "delete": _op("Remove a bookmark", _ok(BOOKMARK_RESULT), security=AUTH, errors=(401, 403, 404)),
        },
        "/api/threads/{tid}/hidden": {
            "parameters": [TID],
            "put": _op("Hide a thread with a reason (moderators)", _ok(_ref("Thread")), security=AUTH,
                       body=_ref("HideInput"), errors=(400, 401, 403, 404, 413, 422)),
            "delete": _op("Restore a hidden thread (moderators)", _ok(_ref("Thread")), security=AUTH,
                          errors=(401, 403, 404)),
        },
        "/api/threads/{tid}/comments/{cid}/hidden": {
            "parameters": [TID, CID],
            "put": _op("Hide a comment with a reason (moderators, or the thread's author)", _ok(_ref("Comment")),
                       security=AUTH, body=_ref("HideInput"), errors=(400, 401, 403, 404, 413, 422)),
            "delete": _op("Restore a hidden comment (moderators; the thread's author for their own hides)",
                          _ok(_ref("Comment")), security=AUTH, errors=(401, 403, 404)),
        },
        "/api/threads/{tid}/report": {
            "parameters": [TID],
            "post": _op("Report a thread (once per user; a repeat answers the first report)",
                        _ok(_ref("Report"), "Accepted", "202"), security=AUTH, body=_ref("ReportInput"),
                        errors=(400, 401, 403, 404, 413, 422, 429)),
        },
        "/api/threads/{tid}/comments/{cid}/report": {
            "parameters": [TID, CID],
            "post": _op("Report a comment (once per user; a repeat answers the first report)",
                        _ok(_ref("Report"), "Accepted", "202"), security=AUTH, body=_ref("ReportInput"),
                        errors=(400, 401, 403, 404, 413, 422, 429)),
        },
        "/api/mod/queue": {
            "get": _op("Moderators: reported and auto-hidden items, most recently active first, with their reports",
                       _ok(_page_of("QueueItem")), security=AUTH,
                       params=[_query("state", {"type": "string", "enum": ["open", "resolved"], "default": "open"},
                                      "open (waiting for a decision) or resolved"), *PAGING],
                       errors=(401, 403, 422)),
        },
        "/api/mod/queue/{key}": {
            "parameters": [_path_param("key", "queue item id: thread~{tid} or comment~{tid}~{cid}")],
            "post": _op("Moderators: resolve a queue item (dismiss its reports, hide, restore or approve the item)",
                        _ok(_ref("QueueItem")), security=AUTH, body=_ref("QueueAction"),
                        errors=(400, 401, 403, 404, 413, 422)),
        },
        "/api/mod/log": {
            "get": _op("Moderators: every moderation action, newest first (append-only)", _ok(_page_of("LogEntry")),
                       security=AUTH, params=PAGING, errors=(401, 403, 422)),
        },
        "/api/threads/{tid}/mute": {
            "parameters": [TID],
            "put": _op("Mute a thread: no more notifications from it (idempotent)", _ok(MUTE_RESULT), security=AUTH,
                       errors=(401, 404)),
            "delete": _op("Unmute a thread (idempotent)", _ok(MUTE_RESULT), security=AUTH, errors=(401, 404)),
        },
        "/api/openapi.json": {"get": _op("This document", _ok({"type": "object"}))},
    }


def _schemas() -> dict[str, Any]:
    string, integer, boolean = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    time = {"type": "string", "format": "date-time"}
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    tags = {"type": "array", "maxItems": TAGS_MAX, "items": {"type": "string", "pattern": "^[a-z0-9-]{1,30}$"}}
    author = {"type": ["object", "null"], "properties": {"uid": string, "handle": string, "displayName": string}}
    status = {"type": "string", "enum": ["visible", "hidden", "deleted"]}
    hidden = {"anyOf": [{"type": "null"}, _ref("Hidden")]}
    thread_common = {
        "id": string, "title": string, "author": author, "tags": tags, "createdAt": time, "editedAt": nullable_time,
        "lastActivityAt": time, "commentCount": integer, "reactionCounts": _ref("ReactionCounts"), "score": integer,
        "status": status, "hidden": hidden, "locked": boolean, "pinned": boolean,
        "myReactions": {"type": "array", "items": string}, "bookmarked": boolean,
    }
    profile = {"uid": string, "handle": string, "displayName": string, "bio": string, "createdAt": time,
               "threadCount": integer, "commentCount": integer, "role": string,
               "suspension": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {
                   "reason": string, "until": time}}], "description": "while it lasts; null otherwise"}}
    return {
        "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"],
                                     "properties": {"code": string, "message": string, "field": string,
                                                    "reason": {"type": "string", "description": "code suspended"},
                                                    "until": {"type": "string", "format": "date-time",
                                                              "description": "code suspended"}}}},
        },
        "ReactionCounts": {"type": "object", "properties": {t: integer for t in REACTION_TYPES}},
        "Profile": {"type": "object", "properties": profile},
        "Me": {"type": "object", "required": ["uid", "handle", "unreadNotifications"], "properties": {
            **profile, "unreadNotifications": {"type": "integer", "minimum": 0}}},
        "Notification": {"type": "object", "required": ["id", "kind", "threadId", "createdAt", "read"], "properties": {
            "id": string, "kind": {"type": "string", "enum": ["reply", "comment", "mention", "moderation"]},
            "threadId": {"type": ["string", "null"], "description": "null for a moderation notice about one's account"},
            "threadTitle": string, "commentId": {"type": ["string", "null"]},
            "rootId": {"type": ["string", "null"], "description": "the root of the comment's tree"},
            "actor": {"type": "object", "properties": {"handle": string, "displayName": string}},
            "excerpt": {"type": "string", "description": "plain text"}, "createdAt": time, "read": boolean}},
        "NotificationPage": {"type": "object", "required": ["items", "nextCursor", "unread"], "properties": {
            "items": {"type": "array", "items": _ref("Notification")}, "nextCursor": {"type": ["string", "null"]},
            "unread": {"type": "integer", "minimum": 0}}},
        "MarkRead": {"type": "object", "additionalProperties": False, "properties": {
            "ids": {"type": "array", "minItems": 1, "maxItems": 50, "items": string,
                    "description": "leave out to mark every notification read"}}},
        "SuspensionInput": {"type": "object", "required": ["reason", "until"], "additionalProperties": False,
                            "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500},
                                           "until": {"type": "string", "format": "date-time"}}},
        "ProfileInput": {"type": "object", "additionalProperties": False, "properties": {
            "handle": {"type": "string", "pattern": "^[a-z0-9_]{3,30}$"},
            "displayName": {"type": "string", "minLength": 1, "maxLength": 50},
            "bio": {"type": "string", "maxLength": 500}}},
        "Thread": {"type": "object", "properties": {**thread_common, "body": string, "bodyHtml": string,
                                                    "muted": {"type": "boolean", "description": "signed in only"}}},
        "ThreadSummary": {"type": "object", "properties": {**thread_common, "excerpt": string}},
        "ThreadInput": {"type": "object", "required": ["title", "body"], "additionalProperties": False, "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
            "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX}, "tags": tags}},
        "ThreadPatch": {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
            "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX}, "tags": tags,
            "locked": {"type": "boolean", "description": "moderators only"},
            "pinned": {"type": "boolean", "description": "moderators only; pinned threads lead the front page"}}},
        "Comment": {"type": "object", "properties": {
            "id": string, "threadId": string, "parentId": {"type": ["string", "null"]}, "rootId": {"type": ["string", "null"]},
            "depth": {"type": "integer", "minimum": 1, "maximum": 3}, "body": string, "bodyHtml": string, "author": author,
            "replyTo": {"type": ["object", "null"], "description": "the comment this one answers (below depth 3, not its parent)",
                        "properties": {"id": string, "handle": {"type": ["string", "null"]}}},
            "createdAt": time, "editedAt": nullable_time, "reactionCounts": _ref("ReactionCounts"),
            "replyCount": integer, "descendantCount": integer, "status": status, "hidden": hidden,
            "myReactions": {"type": "array", "items": string},
            "replies": {"type": "array", "items": _ref("Comment")}, "moreReplies": boolean}},
        "Hidden": {"type": "object", "description": "why a hidden item is hidden; its text only for its author and moderators",
                   "properties": {"reason": {"type": "string", "enum": [*HIDE_REASONS, FLAGGED, AWAITING_APPROVAL]},
                                  "by": {"type": "string",
                                         "enum": ["moderators", "thread_author", "reports", BY_APPROVAL]},
                                  "at": time}},
        "HideInput": {"type": "object", "required": ["reason"], "additionalProperties": False, "properties": {
            "reason": {"type": "string", "enum": list(HIDE_REASONS)}}},
        "Target": {"type": "object", "properties": {
            "kind": {"type": "string", "enum": ["thread", "comment"]}, "threadId": string,
            "commentId": {"type": ["string", "null"]}}},
        "ReportInput": {"type": "object", "required": ["reason"], "additionalProperties": False, "properties": {
            "reason": {"type": "string", "enum": list(REPORT_REASONS)},
            "note": {"type": "string", "maxLength": NOTE_MAX}}},
        "Report": {"type": "object", "properties": {
            "target": _ref("Target"), "reason": {"type": "string", "enum": list(REPORT_REASONS)}, "note": string,
            "createdAt": time}},
        "QueueAction": {"type": "object", "required": ["action"], "additionalProperties": False, "properties": {
            "action": {"type": "string", "enum": ["dismiss", "hide", "restore", "approve"]},
            "reason": {"type": "string", "enum": list(HIDE_REASONS), "description": "needed to hide, only then"}}},
        "QueueItem": {"type": "object", "properties": {
            "id": string, "target": _ref("Target"),
            "item": {"type": ["object", "null"], "description": "the item as it was when first reported",
                     "properties": {"title": {"type": ["string", "null"]}, "excerpt": string, "author": author}},
            "itemStatus": {"type": "string", "enum": ["visible", "hidden", "deleted", "missing"]},
            "hidden": hidden, "state": {"type": "string", "enum": ["open", "resolved"]},
            "openReports": integer, "reportCount": integer, "reasonCounts": {"type": "object"},
            "autoHidden": boolean, "approval": boolean, "lastReportedAt": time, "updatedAt": time,
            "resolution": {"type": ["object", "null"], "properties": {
                "action": string, "by": {"type": ["string", "null"]}, "at": time}},
            "reports": {"type": "array", "description": "the newest 10", "items": {"type": "object", "properties": {
                "reason": string, "note": string, "reporter": {"type": "object", "properties": {"handle": string}},
                "createdAt": time}}}}},
        "LogEntry": {"type": "object", "properties": {
            "id": string, "actor": {"type": ["object", "null"], "properties": {"uid": string, "handle": {
                "type": ["string", "null"]}}, "description": "null for the forum itself (auto-hide)"},
            "action": {"type": "string", "enum": ["hide", "restore", "auto_hide", "dismiss", "approve", "suspend",
                                                  "unsuspend", "lock", "unlock", "pin", "unpin"]},
            "target": {"type": "object"}, "reason": {"type": ["string", "null"]}, "at": time,
            "until": time}},
        "UserComment": {"type": "object", "properties": {
            "id": string, "threadId": string,
            "thread": {"type": "object", "properties": {"id": string, "title": {"type": ["string", "null"]}}},
            "parentId": {"type": ["string", "null"]}, "depth": {"type": "integer", "minimum": 1, "maximum": 3},
            "excerpt": string, "createdAt": time, "editedAt": nullable_time, "reactionCounts": _ref("ReactionCounts"),
            "replyCount": integer}},
        "RenderInput": {"type": "object", "required": ["body"], "additionalProperties": False, "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX}}},
        "CommentInput": {"type": "object", "required": ["body"], "additionalProperties": False, "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX}, "parentId": string}},
        "CommentPatch": {"type": "object", "required": ["body"], "additionalProperties": False, "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX}}},
    }


ERROR_TEXT = {400: "Malformed request", 401: "Not signed in, or a bad token", 403: "Not allowed (code suspended, with reason and until, for a suspended user's write)",
              404: "Not found", 409: "Conflict", 413: "Body over 64 KiB", 422: "Invalid field",
              429: "Rate limited (see Retry-After)"}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hearth API", "version": "1.0.0",
                 "description": "Threads, threaded comments and reactions on Firebase."},
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"firebaseIdToken": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"}},
            "schemas": _schemas(),
            "responses": {f"E{s}": {"description": text, **_json(_ref("Error"))} for s, text in ERROR_TEXT.items()},
        },
    }
