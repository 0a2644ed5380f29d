"""Pure validation of request input. Each function returns the clean value or raises Invalid."""
from __future__ import annotations

import re
from typing import Any, Iterable

from .errors import BadRequest, Invalid

TITLE_MAX = 150
BODY_MAX = 20_000
TAGS_MAX = 4
TAG_RE = re.compile(r"[a-z0-9-]{1,30}")
HANDLE_RE = re.compile(r"[a-z0-9_]{3,30}")
DISPLAY_NAME_MAX = 50
BIO_MAX = 500
LIMIT_MAX = 50
LIMIT_DEFAULT = 20
REACTION_TYPES = ("like", "unicorn", "exploding_head", "raised_hands", "fire")
ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def json_object(data: Any) -> dict[str, Any]:
    """The request body must be a JSON object."""
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return data


def only_fields(data: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse fields the endpoint does not know, so a typo is not silently ignored."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise Invalid(f"unknown field '{unknown[0]}'", field=unknown[0])


def text(value: Any, field: str, *, min_len: int, max_len: int, strip: bool = True) -> str:
    """A string of min_len..max_len characters (after trimming surrounding white space)."""
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string", field=field)
    if strip:
        value = value.strip()
    if "\x00" in value:
        raise Invalid(f"{field} must not contain NUL characters", field=field)
    if len(value) < min_len:
        raise Invalid(
            f"{field} is required" if min_len == 1 else f"{field} must be at least {min_len} characters",
            field=field,
        )
    if len(value) > max_len:
        raise Invalid(f"{field} must be at most {max_len} characters", field=field)
    return value


def title(value: Any) -> str:
    return text(value, "title", min_len=1, max_len=TITLE_MAX)


def body(value: Any) -> str:
    return text(value, "body", min_len=1, max_len=BODY_MAX)


def tags(value: Any) -> list[str]:
    """0-4 distinct tags of [a-z0-9-]{1,30}; order kept, duplicates refused."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid("tags must be a list of strings", field="tags")
    if len(value) > TAGS_MAX:
        raise Invalid(f"at most {TAGS_MAX} tags", field="tags")
    clean: list[str] = []
    for tag in value:
        if not isinstance(tag, str) or not TAG_RE.fullmatch(tag):
            raise Invalid("each tag must be 1-30 characters of a-z, 0-9 and '-'", field="tags")
        if tag in clean:
            raise Invalid(f"tag '{tag}' is repeated", field="tags")
        clean.append(tag)
    return clean


def tag_filter(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not TAG_RE.fullmatch(value):
        raise Invalid("tag must be 1-30 characters of a-z, 0-9 and '-'", field="tag")
    return value


def handle(value: Any) -> str:
    if not isinstance(value, str) or not HANDLE_RE.fullmatch(value):
        raise Invalid("handle must be 3-30 characters of a-z, 0-9 and '_'", field="handle")
    return value


def display_name(value: Any) -> str:
    return text(value, "displayName", min_len=1, max_len=DISPLAY_NAME_MAX)


def bio(value: Any) -> str:
    if value is None:
        return ""
    return text(value, "bio", min_len=0, max_len=BIO_MAX)


def reaction_type(value: str) -> str:
    if value not in REACTION_TYPES:
        raise Invalid(f"reaction must be one of {', '.join(REACTION_TYPES)}", field="type")
    return value


def limit(value: str | None, default: int = LIMIT_DEFAULT, maximum: int = LIMIT_MAX) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid("limit must be a whole number", field="limit") from None
    if not 1 <= number <= maximum:
        raise Invalid(f"limit must be between 1 and {maximum}", field="limit")
    return number


def choice(value: str | None, field: str, allowed: tuple[str, ...]) -> str:
    """One of allowed; the first is the default."""
    if value in (None, ""):
        return allowed[0]
    if value not in allowed:
        raise Invalid(f"{field} must be one of {', '.join(allowed)}", field=field)
    return value


def doc_id(value: str, what: str) -> str:
    """An id from a URL: refuse what could never be a document id (and so is simply not found)."""
    from .errors import NotFound

    if not ID_RE.fullmatch(value):
        raise NotFound(f"{what} not found")
    return value
