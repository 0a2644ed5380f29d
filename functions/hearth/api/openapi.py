"""The OpenAPI 3.1 description of the API, served at /api/openapi.json.

It is meant to be exact: every request it allows is accepted and every request it forbids is
refused, every status an operation can answer is listed, and every response object lists its
fields (`required`, `additionalProperties: false`). Request bodies and query parameters are not
written here: their schemas come from the input models (models.py), which hold each field's rule
and schema once, and enums from the domain's StrEnums. Paths and responses are written here.
Tests keep it true: the routes
(tests/functions/test_app.py), the patterns against the validators (tests/functions/test_openapi.py),
and schemathesis fuzzing every operation of the running stack (tests/api/test_schema.py).
"""

from __future__ import annotations

import copy
import functools
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from ..forum.history import KEPT
from ..forum.users import HANDLES_FOUND, Role
from ..moderation.hiding import (
    AWAITING_APPROVAL,
    BY_APPROVAL,
    BY_MODERATORS,
    BY_REPORTS,
    BY_THREAD_AUTHOR,
    FLAGGED,
    HideReason,
    LogAction,
    QueueState,
)
from ..moderation.queue import QueueAction
from ..moderation.reports import ReportReason
from ..moderation.visibility import Status
from ..notifications.groups import GROUP_ACTORS, GROUP_IDS
from ..notifications.kinds import OPTIONAL_KINDS, NotificationKind
from ..notifications.preferences import MAX_BLOCKS
from ..validation import MAX_BODY_BYTES, MAX_JSON_DEPTH, ReactionType
from . import models

REF = "#/components/schemas/{model}"


def _enum(*values: Any, **more: Any) -> dict[str, Any]:
    """A string schema of these values (StrEnums are spread into their members' values)."""
    flat = [str(m) for v in values for m in (list(v) if isinstance(v, type) and issubclass(v, StrEnum) else [v])]
    return {"type": "string", "enum": flat, **more}


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema without generated `title`s (the document names schemas by key) and without
    `default: null` (a field left out is simply not sent; null is allowed only where the type says so)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def generate(self, schema: Any, mode: Any = "validation") -> Any:
        return _plain(super().generate(schema, mode))


def _plain(schema: Any, *, properties: bool = False) -> Any:
    """schema without `title` keywords and null defaults (a property called title stays)."""
    if isinstance(schema, dict):
        return {
            k: _plain(v, properties=(k == "properties" and not properties))
            for k, v in schema.items()
            if properties or not ((k == "title" and isinstance(v, str)) or (k == "default" and v is None))
        }
    if isinstance(schema, list):
        return [_plain(v) for v in schema]
    return schema


def model_schemas(bodies: tuple[type[BaseModel], ...] = models.BODIES) -> dict[str, Any]:
    """The request bodies' schemas (and the enums they use), named by model, from the models themselves."""
    _, top = models_json_schema([(m, "validation") for m in bodies], ref_template=REF, schema_generator=_Schemas)
    return _plain(top.get("$defs", {}))


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """A query model's fields as OpenAPI query parameters (enums inlined, descriptions lifted out)."""
    schema = model.model_json_schema(schema_generator=_Schemas)
    defs = schema.get("$defs", {})
    params = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        if "$ref" in prop:
            prop = {**defs[prop.pop("$ref").rsplit("/", 1)[1]], **prop}
        description = prop.pop("description", "")
        params.append(
            {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", []),
                "schema": prop,
                "description": description,
            }
        )
    return params


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any], description: str = "OK", status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, **_json(schema)}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/E{s}"} for s in sorted(statuses)}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path_param(name: str, description: str) -> dict[str, Any]:
    # Any string: one that names nothing is a 404, which the operation lists.
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": description}


PAGING = query_parameters(models.Page)
TID = _path_param("tid", "thread id")
CID = _path_param("cid", "comment id")
KIND = {"name": "kind", "in": "path", "required": True, "schema": _enum(ReactionType)}
AUTH: list[dict[str, list[str]]] = [{"firebaseIdToken": []}]
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, {"firebaseIdToken": []}]
NOT_MODIFIED = {"304": {"description": "Not modified: If-None-Match named the current ETag"}}

# What an operation can answer besides its success, by what it does. Every operation that
# touches Firestore can be 503 (contention, or Firestore unavailable or over quota).
READ = (503,)
SIGNED_IN_READ = (401, 503)  # a GET with an optional token: a bad token is a 401
PAGE = (422,)  # limit, sort, cursor, tag
JSON_BODY = (400, 413, 422)  # malformed or too deep JSON, over 64 KiB, a field breaking a rule
WRITE = (401, 403, 503)  # 403: not allowed, or a suspended user (error.code "suspended")
# Any request: headers (or, through Hosting, whose proxy passes the URL on in a header, a URL) past
# the server's 8 KiB cap on one header are refused before the API reads them (http.install_server_errors).
ANY = (431,)


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "nextCursor"],
        "additionalProperties": False,
        "properties": {"items": {"type": "array", "items": _ref(item)}, "nextCursor": {"type": ["string", "null"]}},
    }


def _op(
    summary: str,
    responses: dict[str, Any],
    *,
    security: list | None = None,
    params: list | None = None,
    body: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (),
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, **_errors(*set(errors), *ANY)}}
    if security is not None:
        op["security"] = security
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    return op


def _get(summary: str, schema: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A GET: 200 with an ETag, or 304 for a matching If-None-Match."""
    return _op(summary, {**_ok(schema), **NOT_MODIFIED}, **kwargs)


REACTION_RESULT = {
    "type": "object",
    "required": ["reactionCounts", "myReactions"],
    "additionalProperties": False,
    "properties": {
        "reactionCounts": {
            **_ref("ReactionCounts"),
            "description": "the target's counts as read just before this change, with it applied",
        },
        "myReactions": _ref("MyReactions"),
    },
}
RENDER_RESULT = {
    "type": "object",
    "required": ["bodyHtml"],
    "additionalProperties": False,
    "properties": {"bodyHtml": {"type": "string"}},
}
BOOKMARK_RESULT = {
    "type": "object",
    "required": ["threadId", "bookmarked"],
    "additionalProperties": False,
    "properties": {"threadId": {"type": "string"}, "bookmarked": {"type": "boolean"}},
}
MUTE_RESULT = {
    "type": "object",
    "required": ["threadId", "muted"],
    "additionalProperties": False,
    "properties": {"threadId": {"type": "string"}, "muted": {"type": "boolean"}},
}
UNREAD_RESULT = {
    "type": "object",
    "required": ["unread"],
    "additionalProperties": False,
    "properties": {"unread": {"type": "integer", "minimum": 0}},
}


def _paths() -> dict[str, Any]:
    handle = _path_param("handle", "user handle")
    no_content = {"204": {"description": "Done"}}
    return {
        "/api/me": {
            "get": _get(
                "The caller's profile (made on first use) and unread notification count",
                _ref("Me"),
                security=AUTH,
                errors=SIGNED_IN_READ,
            ),
            "put": _op(
                "Create or update the caller's profile",
                _ok(_ref("Profile")),
                security=AUTH,
                body=_ref("ProfileInput"),
                errors=(*WRITE, *JSON_BODY, 409),
            ),
        },
        "/api/me/embed-session": {
            "post": _op(
                "A one-time custom token that signs the embed's frame in as the caller (Hearth's sign-in "
                "window hands it to the frame; the frame calls signInWithCustomToken)",
                _ok(
                    {
                        "type": "object",
                        "required": ["customToken"],
                        "additionalProperties": False,
                        "properties": {"customToken": {"type": "string"}},
                    }
                ),
                security=AUTH,
                errors=(401, 429, 503),
            ),
        },
        "/api/me/bookmarks": {
            "get": _get(
                "The caller's bookmarked threads, newest bookmark first",
                _page_of("BookmarkedThread"),
                security=AUTH,
                params=PAGING,
                errors=(*SIGNED_IN_READ, *PAGE),
            ),
        },
        "/api/me/notifications": {
            "get": _get(
                "The caller's notifications, newest first, and the unread count",
                _ref("NotificationPage"),
                security=AUTH,
                params=PAGING,
                errors=(*SIGNED_IN_READ, *PAGE),
            ),
        },
        "/api/me/notifications/read": {
            "post": _op(
                "Mark the named notifications read, or all of them with {}",
                _ok(UNREAD_RESULT),
                security=AUTH,
                body=_ref("MarkRead"),
                errors=(*WRITE, *JSON_BODY),
            ),
        },
        "/api/me/settings": {
            "get": _get("The caller's notification settings", _ref("Settings"), security=AUTH, errors=SIGNED_IN_READ),
            "put": _op(
                "Turn kinds of notification on or off (kinds left out stay as they are)",
                _ok(_ref("Settings")),
                security=AUTH,
                body=_ref("SettingsInput"),
                errors=(*WRITE, *JSON_BODY),
            ),
        },
        "/api/me/blocks": {
            "get": _get(
                f"The members the caller blocked, newest first (at most {MAX_BLOCKS})",
                _ref("BlockList"),
                security=AUTH,
                errors=SIGNED_IN_READ,
            ),
        },
        "/api/me/blocks/{handle}": {
            "parameters": [handle],
            "put": _op(
                "Block a member: their posts collapse for the caller and they cannot notify the caller (idempotent)",
                _ok(_ref("BlockResult")),
                security=AUTH,
                errors=(*WRITE, 404, 409),
            ),
            "delete": _op(
                "Unblock a member, by their handle now or when blocked (idempotent)",
                _ok(_ref("BlockResult")),
                security=AUTH,
                errors=(*WRITE, 404),
            ),
        },
        "/api/users": {
            "get": _get(
                f"Up to {HANDLES_FOUND} handles starting with prefix, for @mention autocomplete (signed in; "
                "rate-limited; handles only)",
                _ref("HandleList"),
                security=AUTH,
                params=query_parameters(models.HandlePrefixQuery),
                errors=(*SIGNED_IN_READ, 422, 429),
            ),
        },
        "/api/users/{handle}": {
            "get": _get(
                "A profile (its suspension shown to the user and moderators only)",
                _ref("Profile"),
                security=OPTIONAL_AUTH,
                params=[handle],
                errors=(*SIGNED_IN_READ, 404),
            ),
        },
        "/api/users/id/{uid}": {
            "get": _get(
                "A profile by uid, what posts link to (a mention or an author keeps its person through a change "
                "of handle); its suspension shown to the user and moderators only",
                _ref("Profile"),
                security=OPTIONAL_AUTH,
                params=[_path_param("uid", "user id")],
                errors=(*SIGNED_IN_READ, 404),
            ),
        },
        "/api/users/{handle}/suspension": {
            "parameters": [handle],
            "put": _op(
                "Suspend a user until a time, with a reason (moderators)",
                _ok(_ref("Profile")),
                security=AUTH,
                body=_ref("SuspensionInput"),
                errors=(*WRITE, *JSON_BODY, 404),
            ),
            "delete": _op(
                "Lift a user's suspension (moderators)", _ok(_ref("Profile")), security=AUTH, errors=(*WRITE, 404)
            ),
        },
        "/api/users/{handle}/threads": {
            "get": _get(
                "A user's threads",
                _page_of("ThreadSummary"),
                security=OPTIONAL_AUTH,
                params=[handle, *query_parameters(models.UserThreadsQuery)],
                errors=(*SIGNED_IN_READ, *PAGE, 404),
            ),
        },
        "/api/users/{handle}/comments": {
            "get": _get(
                "A user's visible comments, newest first, with their threads' titles",
                _page_of("UserComment"),
                params=[handle, *PAGING],
                errors=(*READ, *PAGE, 404),
            ),
        },
        "/api/search": {
            "get": _get(
                'Threads or comments holding every word of q (stemmed; "exact phrase", -word, @handle '
                "and #tag too), with snippets whose matched words are marked. A page may hold fewer than "
                "limit items while nextCursor says more may follow",
                {
                    **_page_of("SearchThread"),
                    "properties": {
                        "items": {"type": "array", "items": {"oneOf": [_ref("SearchThread"), _ref("SearchComment")]}},
                        "nextCursor": {"type": ["string", "null"]},
                    },
                },
                security=OPTIONAL_AUTH,
                params=query_parameters(models.SearchQuery),
                errors=(*SIGNED_IN_READ, *PAGE, 429),
            ),
        },
        "/api/render": {
            "post": _op(
                "Render a draft body exactly as a post would be (a preview; nothing is stored)",
                _ok(RENDER_RESULT),
                security=AUTH,
                body=_ref("RenderInput"),
                errors=(401, 503, *JSON_BODY, 429),
            ),
        },
        "/api/threads": {
            "get": _get(
                "A page of threads",
                _page_of("ThreadSummary"),
                security=OPTIONAL_AUTH,
                params=query_parameters(models.ThreadsQuery),
                errors=(*SIGNED_IN_READ, *PAGE),
            ),
            "post": _op(
                "Post a thread",
                _ok(_ref("Thread"), "Created", "201"),
                security=AUTH,
                body=_ref("ThreadInput"),
                errors=(*WRITE, *JSON_BODY, 429),
            ),
        },
        "/api/threads/{tid}": {
            "parameters": [TID],
            "get": _get(
                "A thread (a deleted one as a tombstone)",
                _ref("Thread"),
                security=OPTIONAL_AUTH,
                errors=(*SIGNED_IN_READ, 404),
            ),
            "patch": _op(
                "Edit a thread (author or moderator; locked: moderators)",
                _ok(_ref("Thread")),
                security=AUTH,
                body=_ref("ThreadPatch"),
                errors=(*WRITE, *JSON_BODY, 403, 404, 429),
            ),
            "delete": _op("Delete a thread (a tombstone stays)", no_content, security=AUTH, errors=(*WRITE, 403, 404)),
        },
        "/api/threads/{tid}/history": {
            "parameters": [TID],
            "get": _get(
                f"A thread's earlier versions, newest first (the last {KEPT} edits); as readable as the thread, "
                "never for a deleted one",
                _ref("History"),
                security=OPTIONAL_AUTH,
                errors=(*SIGNED_IN_READ, 404),
            ),
        },
        "/api/threads/{tid}/comments": {
            "parameters": [TID],
            "get": _get(
                "A page of root comments with their first replies",
                _page_of("Comment"),
                security=OPTIONAL_AUTH,
                params=query_parameters(models.CommentsQuery),
                errors=(*SIGNED_IN_READ, *PAGE, 404),
            ),
            "post": _op(
                "Comment, or reply with parentId",
                _ok(_ref("Comment"), "Created", "201"),
                security=AUTH,
                body=_ref("CommentInput"),
                errors=(*WRITE, *JSON_BODY, 403, 404, 429),
            ),
        },
        "/api/threads/{tid}/comments/{cid}": {
            "parameters": [TID, CID],
            "get": _get(
                "One comment (a tombstone while replies hang from it); rootId says where it sits",
                _ref("Comment"),
                security=OPTIONAL_AUTH,
                errors=(*SIGNED_IN_READ, 404),
            ),
            "patch": _op(
                "Edit a comment (author or moderator)",
                _ok(_ref("Comment")),
                security=AUTH,
                body=_ref("CommentPatch"),
                errors=(*WRITE, *JSON_BODY, 403, 404, 429),
            ),
            "delete": _op(
                "Delete a comment (a tombstone stays while it has replies)",
                no_content,
                security=AUTH,
                errors=(*WRITE, 403, 404),
            ),
        },
        "/api/threads/{tid}/comments/{cid}/history": {
            "parameters": [TID, CID],
            "get": _get(
                f"A comment's earlier versions, newest first (the last {KEPT} edits); as readable as the "
                "comment, never for a deleted one",
                _ref("History"),
                security=OPTIONAL_AUTH,
                errors=(*SIGNED_IN_READ, 404),
            ),
        },
        "/api/threads/{tid}/comments/{cid}/replies": {
            "parameters": [TID, CID],
            "get": _get(
                "Every reply under a root comment, oldest first, flat",
                _page_of("Comment"),
                security=OPTIONAL_AUTH,
                params=PAGING,
                errors=(*SIGNED_IN_READ, *PAGE, 404),
            ),
        },
        "/api/threads/{tid}/reactions/{kind}": {
            "parameters": [TID, KIND],
            "put": _op(
                "React to a thread (idempotent)", _ok(REACTION_RESULT), security=AUTH, errors=(*WRITE, 404, 422, 429)
            ),
            "delete": _op(
                "Take a reaction back (idempotent)", _ok(REACTION_RESULT), security=AUTH, errors=(*WRITE, 404, 422, 429)
            ),
        },
        "/api/threads/{tid}/comments/{cid}/reactions/{kind}": {
            "parameters": [TID, CID, KIND],
            "put": _op(
                "React to a comment (idempotent)", _ok(REACTION_RESULT), security=AUTH, errors=(*WRITE, 404, 422, 429)
            ),
            "delete": _op(
                "Take a reaction back (idempotent)", _ok(REACTION_RESULT), security=AUTH, errors=(*WRITE, 404, 422, 429)
            ),
        },
        "/api/threads/{tid}/bookmark": {
            "parameters": [TID],
            "put": _op("Bookmark a thread", _ok(BOOKMARK_RESULT), security=AUTH, errors=(*WRITE, 404)),
            "delete": _op("Remove a bookmark", _ok(BOOKMARK_RESULT), security=AUTH, errors=(*WRITE, 404)),
        },
        "/api/threads/{tid}/hidden": {
            "parameters": [TID],
            "put": _op(
                "Hide a thread with a reason (moderators)",
                _ok(_ref("Thread")),
                security=AUTH,
                body=_ref("HideInput"),
                errors=(*WRITE, *JSON_BODY, 404),
            ),
            "delete": _op(
                "Restore a hidden thread (moderators)", _ok(_ref("Thread")), security=AUTH, errors=(*WRITE, 404)
            ),
        },
        "/api/threads/{tid}/comments/{cid}/hidden": {
            "parameters": [TID, CID],
            "put": _op(
                "Hide a comment with a reason (moderators, or the thread's author)",
                _ok(_ref("Comment")),
                security=AUTH,
                body=_ref("HideInput"),
                errors=(*WRITE, *JSON_BODY, 404, 429),
            ),
            "delete": _op(
                "Restore a hidden comment (moderators; the thread's author for their own hides)",
                _ok(_ref("Comment")),
                security=AUTH,
                errors=(*WRITE, 404, 429),
            ),
        },
        "/api/threads/{tid}/report": {
            "parameters": [TID],
            "post": _op(
                "Report a thread (once per user; a repeat answers the first report)",
                _ok(_ref("Report"), "Accepted", "202"),
                security=AUTH,
                body=_ref("ReportInput"),
                errors=(*WRITE, *JSON_BODY, 404, 429),
            ),
        },
        "/api/threads/{tid}/comments/{cid}/report": {
            "parameters": [TID, CID],
            "post": _op(
                "Report a comment (once per user; a repeat answers the first report)",
                _ok(_ref("Report"), "Accepted", "202"),
                security=AUTH,
                body=_ref("ReportInput"),
                errors=(*WRITE, *JSON_BODY, 404, 429),
            ),
        },
        "/api/mod/queue": {
            "get": _get(
                "Moderators: reported and auto-hidden items, most recently active first, with their reports",
                _page_of("QueueItem"),
                security=AUTH,
                params=query_parameters(models.QueueQuery),
                errors=(*SIGNED_IN_READ, *PAGE, 403),
            ),
        },
        "/api/mod/queue/{key}": {
            "parameters": [_path_param("key", "queue item id: thread~{tid} or comment~{tid}~{cid}")],
            "post": _op(
                "Moderators: resolve a queue item (dismiss its reports, hide, restore or approve the item)",
                _ok(_ref("QueueItem")),
                security=AUTH,
                body=_ref("QueueActionInput"),
                errors=(*WRITE, *JSON_BODY, 404),
            ),
        },
        "/api/mod/log": {
            "get": _get(
                "Moderators: every moderation action, newest first (append-only)",
                _page_of("LogEntry"),
                security=AUTH,
                params=PAGING,
                errors=(*SIGNED_IN_READ, *PAGE, 403),
            ),
        },
        "/api/threads/{tid}/mute": {
            "parameters": [TID],
            "put": _op(
                "Mute a thread: no more notifications from it (idempotent)",
                _ok(MUTE_RESULT),
                security=AUTH,
                errors=(*WRITE, 404),
            ),
            "delete": _op("Unmute a thread (idempotent)", _ok(MUTE_RESULT), security=AUTH, errors=(*WRITE, 404)),
        },
        "/api/pages/comments": {
            "post": _op(
                "Comment on a page of an allowed site (the embed); the first comment creates the page's "
                "thread, whose id is pg- and the first 32 hex digits of sha256(site + newline + term)",
                _ok(_ref("Comment"), "Created", "201"),
                security=AUTH,
                body=_ref("PageCommentInput"),
                errors=(*WRITE, *JSON_BODY, 403, 404, 429),
            ),
        },
        "/api/pages/counts": {
            "get": _get(
                "Visible comments per page of a site, for count.js: one batched read; CORS for the site "
                "itself when it is allowed; cacheable about a minute",
                _ref("PageCounts"),
                params=[
                    {**param, **({"style": "form", "explode": True} if param["name"] == "keys" else {})}
                    for param in query_parameters(models.PageCountsQuery)
                ],
                errors=(*READ, 403, 422),
            ),
        },
        "/api/openapi.json": {"get": _get("This document", {"type": "object"})},
        "/embed": {
            "get": {
                "summary": "The embed's frame page (HTML): embed.js frames it; its CSP frame-ancestors lists "
                "HEARTH_EMBED_ORIGINS",
                "responses": {
                    "200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
                    **NOT_MODIFIED,
                    **_errors(*ANY),
                },
            }
        },
    }


def _object(required: list[str], optional: dict[str, Any], **more: Any) -> dict[str, Any]:
    """A response object: these fields always, the optional ones sometimes, nothing else."""
    return {"type": "object", "required": required, "additionalProperties": False, "properties": more | optional}


def _schemas() -> dict[str, Any]:
    string, integer, boolean = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    count = {"type": "integer", "minimum": 0}
    nullable_string = {"type": ["string", "null"]}
    segments = {
        "type": "array",
        "items": _ref("Segment"),
        "description": "the text in order, cut into plain and matched stretches",
    }
    findable = _enum(Status.VISIBLE, Status.HIDDEN, description="hidden: found by moderators only")
    time = {"type": "string", "format": "date-time"}
    nullable_time = {"type": ["string", "null"], "format": "date-time"}
    status = _enum(Status)
    hidden = {"anyOf": [{"type": "null"}, _ref("Hidden")]}
    author = {
        "type": ["object", "null"],
        "required": ["uid", "handle", "displayName"],
        "additionalProperties": False,
        "properties": {"uid": string, "handle": string, "displayName": string},
    }
    thread_fields = {
        "id": string,
        "title": string,
        "author": author,
        "tags": {"type": "array", "items": string},
        "createdAt": time,
        "editedAt": nullable_time,
        "lastActivityAt": time,
        "commentCount": integer,
        "reactionCounts": _ref("ReactionCounts"),
        "score": integer,
        "status": status,
        "hidden": hidden,
        "locked": boolean,
        "pinned": boolean,
        "page": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["site", "url"],
                    "additionalProperties": False,
                    "properties": {"site": string, "url": string},
                },
            ],
            "description": "a page thread: the article on another site it is the discussion of",
        },
    }
    signed_in = {"myReactions": _ref("MyReactions"), "bookmarked": boolean}  # only for a signed-in caller
    comment_fields = {
        "id": string,
        "threadId": string,
        "parentId": {"type": ["string", "null"]},
        "rootId": {"type": ["string", "null"]},
        "depth": {"type": "integer", "minimum": 1, "maximum": 3},
        "body": string,
        "bodyHtml": string,
        "author": author,
        "createdAt": time,
        "editedAt": nullable_time,
        "reactionCounts": _ref("ReactionCounts"),
        "replyCount": integer,
        "descendantCount": integer,
        "status": status,
        "hidden": hidden,
        "replyTo": {
            "type": ["object", "null"],
            "required": ["id", "handle"],
            "additionalProperties": False,
            "description": "the comment this one answers (below depth 3, not its parent)",
            "properties": {"id": string, "handle": {"type": ["string", "null"]}},
        },
    }
    profile = {
        "uid": string,
        "handle": string,
        "displayName": string,
        "bio": string,
        "createdAt": time,
        "threadCount": integer,
        "commentCount": integer,
        "role": _enum(Role, description="follows the moderator claim"),
    }
    profile["suspension"] = {
        "anyOf": [{"type": "null"}, _object(["reason", "until"], {}, reason=string, until=time)],
        "description": "while it lasts, to the user and moderators; null otherwise",
    }
    notification = {
        "id": string,
        "kind": _enum(NotificationKind),
        "threadId": {**nullable_string, "description": "null for a moderation notice about one's account"},
        "threadTitle": string,
        "commentId": nullable_string,
        "rootId": {**nullable_string, "description": "the root of the comment's tree"},
        "actor": _object(["handle", "displayName"], {}, handle=nullable_string, displayName=nullable_string),
        "excerpt": {"type": "string", "description": "plain text"},
        "createdAt": time,
        "read": boolean,
        "url": {**nullable_string, "description": "a comment on a page thread: the article, URL#hearth-c-{commentId}"},
    }
    target = {"kind": _enum("thread", "comment"), "threadId": string, "commentId": nullable_string}
    user_target = {"kind": {"const": "user"}, "uid": string, "handle": nullable_string}
    thread_title = {**nullable_string, "description": "the title, now, of the thread the item is (in); null once gone"}
    queue_item = {
        "id": string,
        "target": _ref("Target"),
        "threadTitle": thread_title,
        "item": {
            "anyOf": [
                {"type": "null"},
                _object(["title", "excerpt", "author"], {}, title=nullable_string, excerpt=string, author=author),
            ],
            "description": "the item as it was when first reported",
        },
        "itemStatus": _enum(Status, "missing"),
        "hidden": hidden,
        "state": _enum(QueueState),
        "openReports": count,
        "reportCount": count,
        "reasonCounts": {"type": "object", "propertyNames": _enum(ReportReason), "additionalProperties": count},
        "autoHidden": boolean,
        "approval": boolean,
        "lastReportedAt": time,
        "updatedAt": time,
        "resolution": {
            "anyOf": [
                {"type": "null"},
                _object(["action", "by", "at"], {}, action=_enum(QueueAction), by=nullable_string, at=time),
            ]
        },
        "reports": {
            "type": "array",
            "description": "the newest 10",
            "items": _object(
                ["reason", "note", "reporter", "createdAt"],
                {},
                reason=_enum(ReportReason),
                note=string,
                reporter=_object(["handle"], {}, handle=nullable_string),
                createdAt=time,
            ),
        },
    }
    log_entry = {
        "id": string,
        "actor": {
            "anyOf": [{"type": "null"}, _object(["uid", "handle"], {}, uid=string, handle=nullable_string)],
            "description": "null for the forum itself (auto-hide)",
        },
        "action": _enum(LogAction),
        "target": {"anyOf": [_ref("Target"), _object(list(user_target), {}, **user_target)]},
        "threadTitle": {**nullable_string, "description": "the title, now, of the thread acted on (or the comment's)"},
        "reason": nullable_string,
        "at": time,
    }
    user_comment = {
        "id": string,
        "threadId": string,
        "thread": _object(["id", "title"], {}, id=string, title=nullable_string),
        "parentId": nullable_string,
        "depth": {"type": "integer", "minimum": 1, "maximum": 3},
        "excerpt": string,
        "createdAt": time,
        "editedAt": nullable_time,
        "reactionCounts": _ref("ReactionCounts"),
        "replyCount": integer,
    }
    return {
        **model_schemas(),
        "Error": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "code": string,
                        "message": string,
                        "field": {"type": "string", "description": "the field or parameter at fault"},
                        "reason": {"type": "string", "description": "code suspended"},
                        "until": {"type": "string", "format": "date-time", "description": "code suspended"},
                    },
                }
            },
        },
        "ReactionCounts": _object([str(t) for t in ReactionType], {}, **{str(t): count for t in ReactionType}),
        "MyReactions": {"type": "array", "items": _enum(ReactionType)},
        "Profile": _object(list(profile), {}, **profile),
        "Me": _object(
            [*profile, "unreadNotifications"],
            {
                "pendingModeration": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 100,
                    "description": "moderators only: open queue entries, counted up to 100",
                }
            },
            **profile,
            unreadNotifications=count,
        ),
        "Notification": _object(
            list(notification),
            {
                "count": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "a run of comments on one's thread (one item): how many comments it holds",
                },
                "commentIds": {
                    "type": "array",
                    "maxItems": GROUP_IDS,
                    "items": string,
                    "description": "the run's comments, newest first (the newest few)",
                },
                "latestAt": {**time, "description": "a run of comments: when its newest comment came"},
                "actors": {
                    "type": "array",
                    "maxItems": GROUP_ACTORS,
                    "items": _object(
                        ["handle", "displayName"], {}, handle=nullable_string, displayName=nullable_string
                    ),
                    "description": "who wrote the run's newest comments, newest first, each once",
                },
            },
            **notification,
        ),
        "HandleList": _object(
            ["handles"],
            {},
            handles={"type": "array", "maxItems": HANDLES_FOUND, "items": string, "description": "in handle order"},
        ),
        "History": _object(
            ["items", "kept"],
            {},
            items={"type": "array", "maxItems": KEPT, "items": _ref("Version"), "description": "newest first"},
            kept={"type": "integer", "const": KEPT, "description": "how many earlier versions a post keeps"},
        ),
        "Version": _object(
            ["version", "title", "body", "bodyHtml", "writtenAt", "replacedAt"],
            {},
            version={"type": "integer", "minimum": 1, "description": "1 is the post as first written"},
            title={**nullable_string, "description": "a thread's title then; null for a comment"},
            body=string,
            bodyHtml=string,
            writtenAt=time,
            replacedAt={**time, "description": "when the edit that replaced it was made"},
        ),
        "Settings": _object(
            ["notify"],
            {},
            notify=_object(
                [str(k) for k in OPTIONAL_KINDS],
                {},
                **{str(k): {"type": "boolean", "description": "true: this kind notifies me"} for k in OPTIONAL_KINDS},
            ),
        ),
        "Block": _object(
            ["uid", "handle", "blockedAt"],
            {},
            uid=string,
            handle={**nullable_string, "description": "the member's handle when blocked"},
            blockedAt=time,
        ),
        "BlockResult": _object(
            ["uid", "handle", "blockedAt", "blocked"],
            {},
            uid=nullable_string,
            handle=nullable_string,
            blockedAt=nullable_time,
            blocked=boolean,
        ),
        "BlockList": _object(
            ["items", "max"],
            {},
            items={"type": "array", "maxItems": MAX_BLOCKS, "items": _ref("Block"), "description": "newest first"},
            max={"type": "integer", "const": MAX_BLOCKS, "description": "the most members one may block"},
        ),
        "NotificationPage": _object(
            ["items", "nextCursor", "unread"],
            {},
            items={"type": "array", "items": _ref("Notification")},
            nextCursor={"type": ["string", "null"]},
            unread=count,
        ),
        "Thread": _object(
            [*thread_fields, "body", "bodyHtml"],
            {**signed_in, "muted": boolean},
            **thread_fields,
            body=string,
            bodyHtml=string,
        ),
        "ThreadSummary": _object([*thread_fields, "excerpt"], signed_in, **thread_fields, excerpt=string),
        "BookmarkedThread": _object(
            [*thread_fields, "excerpt", "bookmarked", "bookmarkedAt"],
            {},
            **thread_fields,
            excerpt=string,
            bookmarked={"const": True},
            bookmarkedAt=time,
        ),
        "Comment": _object(
            list(comment_fields),
            {
                "myReactions": _ref("MyReactions"),  # for a signed-in caller
                "replies": {"type": "array", "items": _ref("Comment")},  # on root comments in a page of them
                "moreReplies": boolean,
            },
            **comment_fields,
        ),
        "Hidden": {
            **_object(
                ["reason", "by", "at"],
                {},
                reason=_enum(HideReason, FLAGGED, AWAITING_APPROVAL),
                by=_enum(BY_MODERATORS, BY_THREAD_AUTHOR, BY_REPORTS, BY_APPROVAL),
                at=time,
            ),
            "description": "why a hidden item is hidden; its text only for its author and moderators",
        },
        "Target": _object(list(target), {}, **target),
        "Report": _object(
            ["target", "reason", "note", "createdAt", "countsTowardHiding", "waitsBecause"],
            {},
            target=_ref("Target"),
            reason=_enum(ReportReason),
            note=string,
            createdAt=time,
            countsTowardHiding={
                **boolean,
                "description": "whether the report counts toward auto-hide (a verified account old enough)",
            },
            waitsBecause={
                "type": ["string", "null"],
                "enum": ["unverified_email", "new_account", None],
                "description": "why the report only reaches the moderators' queue",
            },
        ),
        "QueueItem": _object(list(queue_item), {}, **queue_item),
        "LogEntry": _object(list(log_entry), {"until": {**time, "description": "suspensions"}}, **log_entry),
        "UserComment": _object(list(user_comment), {}, **user_comment),
        "Segment": _object(
            ["text", "match"], {}, text=string, match={"type": "boolean", "description": "a matched word, to mark"}
        ),
        "SearchThread": _object(
            ["id", "title", "titleMarked", "snippet", "author", "tags", "createdAt", "commentCount", "score", "status"],
            {},
            id=string,
            title=string,
            titleMarked=segments,
            snippet=segments,
            author=author,
            tags={"type": "array", "items": string},
            createdAt=time,
            commentCount=integer,
            score=integer,
            status=findable,
        ),
        "SearchComment": _object(
            ["id", "threadId", "thread", "rootId", "parentId", "snippet", "author", "createdAt", "score", "status"],
            {},
            id=string,
            threadId=string,
            thread=_object(["id", "title", "status"], {}, id=string, title=string, status=findable),
            rootId={"type": ["string", "null"], "description": "the root of its replies"},
            parentId={"type": ["string", "null"]},
            snippet=segments,
            author=author,
            createdAt=time,
            score=integer,
            status=findable,
        ),
        "PageCounts": {
            "type": "object",
            "required": ["site", "counts"],
            "additionalProperties": False,
            "properties": {
                "site": string,
                "counts": {
                    "type": "object",
                    "additionalProperties": {"type": "integer", "minimum": 0},
                    "description": "visible comments per key (0 for a page nobody commented on, or another site's)",
                },
            },
        },
    }


def _error_response(description: str, retry_after: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, **_json(_ref("Error"))}
    if retry_after:
        response["headers"] = {
            "Retry-After": {
                "required": True,
                "description": "seconds to wait before retrying",
                "schema": {"type": "integer", "minimum": 1},
            }
        }
    return response


ERROR_TEXT = {
    400: f"Malformed request: the body is not a JSON object, or nests deeper than {MAX_JSON_DEPTH} levels",
    401: "Not signed in, or a bad, expired or revoked token",
    403: "Not allowed (code suspended, with reason and until, for a suspended user's write)",
    404: "Not found",
    409: "Conflict",
    413: f"Body over {MAX_BODY_BYTES // 1024} KiB",
    422: "A field or parameter breaks a rule (error.field names it)",
    429: "Rate limited (see Retry-After)",
    431: "Headers too large (through Hosting, a URL past about 8 KiB too), refused before the API reads them",
    503: "Busy: contention, or Firestore unavailable for a moment (see Retry-After)",
}


def openapi_document() -> dict[str, Any]:
    """The document (a copy: it is built once per process, as the models behind it never change)."""
    return copy.deepcopy(_document())


@functools.cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hearth API",
            "version": "1.0.0",
            "description": "Threads, threaded comments and reactions on Firebase.",
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "firebaseIdToken": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"}
            },
            "schemas": _schemas(),
            "responses": {
                f"E{s}": _error_response(text, retry_after=s in (429, 503)) for s, text in ERROR_TEXT.items()
            },
        },
    }
