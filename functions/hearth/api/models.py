"""Every request body and query string as a pydantic model: where each input field is defined, once.

A field's type carries its rule (a function of validation.py, so the messages stay the API's own)
and its JSON Schema, which the OpenAPI document takes from here (openapi.py). Routes parse with
http.body(Model) and http.query(Model) before any domain function runs; http.py turns a
pydantic ValidationError into the usual 422 {code, message, field}. Adding a body field:
docs/api.md, "Adding a body field".
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Callable, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from .. import validation
from ..db.cursors import CURSOR_PATTERN, MAX_CURSOR_CHARS
from ..errors import Invalid
from ..forum import pages
from ..forum.comments import CommentSort
from ..forum.threads import ThreadSort
from ..forum.users import HANDLE_PREFIX_MIN
from ..moderation.hiding import HideReason, QueueState
from ..moderation.queue import QueueAction
from ..moderation.reports import NOTE_MAX, ReportReason
from ..moderation.suspensions import REASON_MAX, suspension_until
from ..notifications.inbox import MARK_MAX, ids_to_mark
from ..notifications.kinds import OPTIONAL_KINDS
from ..search.query import Q_MAX
from ..search.query import parse as parse_search
from ..search.service import SearchSort, SearchType

E = TypeVar("E", bound=StrEnum)
HANDLE_PREFIX_PATTERN = f"^[a-z0-9_]{{{HANDLE_PREFIX_MIN},30}}$"
HANDLE_PREFIX_RE = re.compile(HANDLE_PREFIX_PATTERN[1:-1])
RULE_ERROR = "hearth_rule"  # the pydantic error type that carries a validation.py message and field


def rule_error(message: str, field: str | None) -> PydanticCustomError:
    """A refusal in the API's words; http.py answers it as Invalid(message, field)."""
    return PydanticCustomError(RULE_ERROR, "{message}", {"message": message, "field": field})


def checked(check: Callable[[Any], Any]) -> BeforeValidator:
    """Run a validation.py rule on the raw value; its Invalid becomes a pydantic error with the same words."""

    def run(value: Any, info: ValidationInfo) -> Any:
        try:
            return check(value)
        except Invalid as refused:
            raise rule_error(refused.message, refused.field or info.field_name) from None

    return BeforeValidator(run)


def one_of(enum: type[E], field: str, *, nullable: bool = False) -> BeforeValidator:
    """A value of enum (null too when nullable), refused as '<field> must be one of a, b, c'."""

    def check(value: Any) -> E | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or value not in enum._value2member_map_:
            raise Invalid(f"{field} must be one of {', '.join(enum)}", field=field)
        return enum(value)

    return checked(check)


# --- JSON Schemas of the text rules (validation.text_pattern renders the same character classes) ---

TEXT_RULES = "No control characters but tab and newline; surrounding white space is trimmed."


def text_schema(
    max_len: int,
    *,
    required: bool = True,
    visible: bool = False,
    no_bidi: bool = False,
    description: str,
    nullable: bool = False,
) -> dict[str, Any]:
    """A text field as validation.text() checks it (lengths count code points before trimming)."""
    schema: dict[str, Any] = {
        "type": ["string", "null"] if nullable else "string",
        "maxLength": max_len,
        "pattern": validation.text_pattern(required=required, visible=visible, no_bidi=no_bidi),
        "description": description,
    }
    if required or visible:
        schema["minLength"] = 1
    return schema


TAG_PATTERN = "^[a-z0-9-]{1,30}$"
ID_SCHEMA = {"type": "string", "pattern": validation.ID_PATTERN}
TITLE_SCHEMA = text_schema(
    validation.TITLE_MAX,
    visible=True,
    no_bidi=True,
    description=(f"{TEXT_RULES} Must hold a visible character; no bidi embeddings, overrides or isolates."),
)
TAGS_SCHEMA = {
    "type": ["array", "null"],
    "maxItems": validation.TAGS_MAX,
    "uniqueItems": True,
    "items": {"type": "string", "pattern": TAG_PATTERN},
    "description": "null is the same as []",
}

# --- field types: a rule and its schema -----------------------------------------------------------

BODY_SCHEMA = text_schema(validation.BODY_MAX, description=f"Markdown. {TEXT_RULES} Must not be blank.")
TITLE_RULE, BODY_RULE, TAGS_RULE = checked(validation.title), checked(validation.body), checked(validation.tags)

Title = Annotated[str, TITLE_RULE, WithJsonSchema(TITLE_SCHEMA)]
PostBody = Annotated[str, BODY_RULE, WithJsonSchema(BODY_SCHEMA)]
Tags = Annotated[list[str], TAGS_RULE, WithJsonSchema(TAGS_SCHEMA)]
# Fields a request may leave out (None) but not send as null: the rule runs on whatever is sent.
MaybeTitle = Annotated[str | None, TITLE_RULE, WithJsonSchema(TITLE_SCHEMA)]
MaybeBody = Annotated[str | None, BODY_RULE, WithJsonSchema(BODY_SCHEMA)]
MaybeTags = Annotated[list[str] | None, TAGS_RULE, WithJsonSchema(TAGS_SCHEMA)]
Locked = Annotated[
    bool | None,
    checked(lambda v: validation.boolean(v, "locked")),
    WithJsonSchema({"type": "boolean", "description": "moderators only"}),
]
Pinned = Annotated[
    bool | None,
    checked(lambda v: validation.boolean(v, "pinned")),
    WithJsonSchema({"type": "boolean", "description": "moderators only; pinned threads lead the front page"}),
]


class Body(BaseModel):
    """A JSON request body: an object with only these fields (an unknown one is a 422 on its name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # JSON names only (parentId, not parent_id)

    def given(self, name: str) -> bool:
        """Whether the request sent this field (set to anything, null included)."""
        return name in self.model_fields_set


class Query(BaseModel):
    """A query string: unknown parameters are ignored, as HTTP caches and proxies may add some."""

    model_config = ConfigDict(extra="ignore", frozen=True)


# --- bodies -----------------------------------------------------------------------------------------


class ThreadInput(Body):
    title: Title
    body: PostBody
    tags: Tags = Field(default_factory=list)


class ThreadPatch(Body):
    """At least one field; locked and pinned are for moderators."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    title: MaybeTitle = None
    body: MaybeBody = None
    tags: MaybeTags = None
    locked: Locked = None
    pinned: Pinned = None

    @model_validator(mode="after")
    def _something(self) -> ThreadPatch:
        if not self.model_fields_set:
            raise rule_error("nothing to change: send title, body, tags, locked or pinned", None)
        return self


class CommentInput(Body):
    body: PostBody
    parent_id: Annotated[
        str | None,
        checked(lambda v: None if v is None else validation.id_field(v, "parentId")),
        WithJsonSchema(
            {
                **ID_SCHEMA,
                "type": ["string", "null"],
                "description": "the comment replied to; null or absent for a root",
            }
        ),
    ] = Field(None, alias="parentId")


class PageCommentInput(Body):
    """A root comment on a page of another site (the embed); the first one creates the page's thread."""

    site: Annotated[
        str,
        checked(pages.origin),
        WithJsonSchema(
            {
                "type": "string",
                "pattern": pages.ORIGIN_PATTERN,
                "description": "the page's origin as location.origin spells it (no default port); one HEARTH_EMBED_ORIGINS "
                "allows, else 403 origin_not_allowed",
            }
        ),
    ]
    term: Annotated[
        str,
        checked(pages.term),
        WithJsonSchema(
            text_schema(
                pages.TERM_MAX,
                visible=True,
                no_bidi=True,
                description=f"The page's mapped term (embed.js: pathname, url, title, og:title or the site's own key). "
                f"{TEXT_RULES}",
            )
        ),
    ]
    path: Annotated[
        str,
        checked(pages.path),
        WithJsonSchema(
            {
                "type": "string",
                "minLength": 1,
                "maxLength": pages.URL_MAX,
                "pattern": pages.PATH_PATTERN,
                "description": "the path and query of the article's canonical URL on the site (the thread links to site + path)",
            }
        ),
    ]
    title: Title
    body: PostBody


class CommentPatch(Body):
    body: PostBody


class RenderInput(Body):
    body: PostBody


class ProfileInput(Body):
    handle: Annotated[
        str | None,
        checked(validation.handle),
        WithJsonSchema(
            {
                "type": "string",
                "pattern": validation.HANDLE_PATTERN,
                "description": "3-30 of a-z, 0-9 and _, not both starting and ending with __",
            }
        ),
    ] = None
    display_name: Annotated[
        str | None,
        checked(validation.display_name),
        WithJsonSchema({**TITLE_SCHEMA, "maxLength": validation.DISPLAY_NAME_MAX}),
    ] = Field(None, alias="displayName")
    bio: Annotated[
        str | None,
        checked(validation.bio),
        WithJsonSchema(
            text_schema(
                validation.BIO_MAX, required=False, nullable=True, description=f"{TEXT_RULES} Empty or null clears it."
            )
        ),
    ] = None


class HideInput(Body):
    reason: Annotated[HideReason, one_of(HideReason, "reason")]


class ReportInput(Body):
    reason: Annotated[ReportReason, one_of(ReportReason, "reason")]
    note: Annotated[
        str,
        checked(lambda v: "" if v is None else validation.text(v, "note", max_len=NOTE_MAX, required=False)),
        WithJsonSchema(text_schema(NOTE_MAX, required=False, nullable=True, description=TEXT_RULES)),
    ] = ""


def _until(value: Any, info: ValidationInfo) -> datetime:
    try:
        return suspension_until(value, (info.context or {})["now"])
    except Invalid as refused:
        raise rule_error(refused.message, refused.field) from None


class SuspensionInput(Body):
    # Parsed with context {"now": ...}: until must be in the future.
    reason: Annotated[
        str,
        checked(lambda v: validation.text(v, "reason", max_len=REASON_MAX)),
        WithJsonSchema(text_schema(REASON_MAX, description=TEXT_RULES)),
    ]
    until: Annotated[
        datetime,
        BeforeValidator(_until),
        WithJsonSchema(
            {"type": "string", "format": "date-time", "description": "RFC 3339 with a time zone, in the future"}
        ),
    ]


class QueueActionInput(Body):
    action: Annotated[QueueAction, one_of(QueueAction, "action")]
    reason: Annotated[
        HideReason | None, one_of(HideReason, "reason", nullable=True), Field(description="needed to hide, only then")
    ] = None

    @model_validator(mode="after")
    def _reason_only_to_hide(self) -> QueueActionInput:
        if self.action == QueueAction.HIDE and self.reason is None:
            raise rule_error(f"to hide, reason must be one of {', '.join(HideReason)}", "reason")
        if self.action != QueueAction.HIDE and self.reason is not None:
            raise rule_error("only hide takes a reason", "reason")
        return self


class MarkRead(Body):
    ids: Annotated[
        list[str] | None,
        checked(ids_to_mark),
        WithJsonSchema(
            {
                "type": "array",
                "minItems": 1,
                "maxItems": MARK_MAX,
                "items": ID_SCHEMA,
                "description": "leave out to mark every notification read",
            }
        ),
    ] = None


def _notify_kind(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("each kind is true (notify me) or false", field="notify")
    return value


NotifySwitch = Annotated[bool | None, checked(_notify_kind), WithJsonSchema({"type": "boolean"})]


class NotifyInput(Body):
    """Which kinds notify the member; a kind left out stays as it is."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    reply: NotifySwitch = Field(None, description="replies to my comments")
    comment: NotifySwitch = Field(None, description="comments on my threads (grouped while unread)")
    mention: NotifySwitch = Field(None, description="@mentions of me")


class SettingsInput(Body):
    notify: NotifyInput

    def switches(self) -> dict[str, bool]:
        """The kinds this request turns on or off."""
        return {
            k: v for k, v in self.notify.model_dump().items() if k in self.notify.model_fields_set and v is not None
        }

    @model_validator(mode="after")
    def _something(self) -> SettingsInput:
        if not self.switches():
            raise rule_error(f"nothing to change: notify needs one of {', '.join(OPTIONAL_KINDS)}", "notify")
        return self


# --- query strings ------------------------------------------------------------------------------------


class Page(Query):
    limit: Annotated[
        int,
        checked(validation.limit),
        WithJsonSchema(
            {"type": "integer", "minimum": 1, "maximum": validation.LIMIT_MAX, "default": validation.LIMIT_DEFAULT}
        ),
        Field(description="page size"),
    ] = validation.LIMIT_DEFAULT
    cursor: Annotated[
        str | None,
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_CURSOR_CHARS, "pattern": CURSOR_PATTERN}),
        Field(description="the previous page's nextCursor, unchanged (any other value is a 422)"),
    ] = None


class UserThreadsQuery(Page):
    sort: Annotated[ThreadSort, one_of(ThreadSort, "sort"), Field(description="order")] = ThreadSort.NEW


class ThreadsQuery(UserThreadsQuery):
    tag: Annotated[
        str | None,
        checked(validation.tag_filter),
        WithJsonSchema({"type": "string", "pattern": TAG_PATTERN}),
        Field(description="only threads with this tag"),
    ] = None


class CommentsQuery(Page):
    sort: Annotated[CommentSort, one_of(CommentSort, "sort"), Field(description="order")] = CommentSort.TOP


def _searchable(value: Any) -> str:
    """q as given, once the planner finds a word in it to search for (else its 422 says why)."""
    if not isinstance(value, str):
        raise Invalid("q is required: the words to search for", field="q")
    parse_search(value)
    return value


class SearchQuery(Page):
    q: Annotated[
        str,
        checked(_searchable),
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": Q_MAX}),
        Field(
            description='the words to find (every one, stemmed); "an exact phrase", -word to leave '
            "one out, @handle, #tag; only stop words is a 422"
        ),
    ]
    type: Annotated[SearchType, one_of(SearchType, "type"), Field(description="what to find")] = SearchType.THREADS
    sort: Annotated[SearchSort, one_of(SearchSort, "sort"), Field(description="order")] = SearchSort.NEW


def _prefix(value: Any) -> str:
    if not isinstance(value, str) or not HANDLE_PREFIX_RE.fullmatch(value):
        raise Invalid(
            f"prefix must be {HANDLE_PREFIX_MIN} to 30 characters of a-z, 0-9 and '_' (the start of a handle)",
            field="prefix",
        )
    return value


class HandlePrefixQuery(Query):
    prefix: Annotated[
        str,
        checked(_prefix),
        WithJsonSchema({"type": "string", "pattern": HANDLE_PREFIX_PATTERN}),
        Field(description=f"the start of a handle, at least {HANDLE_PREFIX_MIN} characters"),
    ]


class PageCountsQuery(Query):
    """count.js's question: how many visible comments each of a site's pages has (keys repeats: keys=…&keys=…)."""

    site: Annotated[
        str,
        checked(pages.origin),
        WithJsonSchema({"type": "string", "pattern": pages.ORIGIN_PATTERN}),
        Field(
            description="the site's origin as location.origin spells it (no default port); one HEARTH_EMBED_ORIGINS "
            "allows, else 403 origin_not_allowed"
        ),
    ]
    keys: Annotated[
        list[str],
        checked(pages.page_keys),
        WithJsonSchema(
            {
                "type": "array",
                "minItems": 1,
                "maxItems": pages.KEYS_MAX,
                "items": {"type": "string", "pattern": pages.THREAD_ID_PATTERN},
            }
        ),
        Field(
            description="the pages' thread ids, pg- and the first 32 hex digits of sha256(site + newline + mapped "
            "term) (keys=pg-…&keys=pg-…)"
        ),
    ]  # http.query hands a list field every value it was given, none at all as []: page_keys says why that is 422


class QueueQuery(Page):
    state: Annotated[
        QueueState, one_of(QueueState, "state"), Field(description="open (waiting for a decision) or resolved")
    ] = QueueState.OPEN


BODIES: tuple[type[Body], ...] = (
    ThreadInput,
    ThreadPatch,
    CommentInput,
    PageCommentInput,
    CommentPatch,
    RenderInput,
    ProfileInput,
    HideInput,
    ReportInput,
    SuspensionInput,
    QueueActionInput,
    MarkRead,
    SettingsInput,
)
