"""Pure validation of request input. Each function returns the clean value or raises Invalid.

The text rules are written once, as character classes, and used twice: here to check a value
and in the OpenAPI document as `pattern`s, so what the document allows is exactly what the API
accepts (a test drives the document's patterns against these functions).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from .errors import Invalid, NotFound

TITLE_MAX = 150
BODY_MAX = 20_000
TAGS_MAX = 4
TAG_RE = re.compile(r"[a-z0-9-]{1,30}")
HANDLE_RE = re.compile(r"[a-z0-9_]{3,30}")
DISPLAY_NAME_MAX = 50
BIO_MAX = 500
LIMIT_MAX = 50
# The request itself (api/http.py enforces them; the OpenAPI document states them).
MAX_BODY_BYTES = 64 * 1024
# Hearth's bodies nest two levels deep (an object holding a list of tags); anything much deeper is
# not a request for this API, and Python's parser would hit its recursion limit on very deep input.
MAX_JSON_DEPTH = 16
LIMIT_DEFAULT = 20


class ReactionType(StrEnum):
    """The reactions a thread or comment takes (a reaction's id in its URL, a key of reactionCounts)."""

    LIKE = "like"
    UNICORN = "unicorn"
    EXPLODING_HEAD = "exploding_head"
    RAISED_HANDS = "raised_hands"
    FIRE = "fire"


REACTION_TYPES = tuple(ReactionType)

# --- Firestore document ids ----------------------------------------------------------------------
# Firestore's own rules for a document id: valid UTF-8 of at most 1,500 bytes, no '/', not '.' or
# '..', and not of the form __.*__ (reserved; Firestore refuses such a name with an error).
# https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields
DOCUMENT_ID_MAX_BYTES = 1500
RESERVED_ID_RE = re.compile(r"__.*__", re.DOTALL)
# The ids Hearth makes (Firestore auto-ids, 20 characters) and accepts from clients: a stricter
# shape than Firestore's, so an id is the same string in a URL, in JSON and in a cursor.
ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
ID_PATTERN = r"^(?!__.*__$)[A-Za-z0-9_-]{1,64}$"  # ID_RE and Firestore's rules, for the OpenAPI document
HANDLE_PATTERN = r"^(?!__.*__$)[a-z0-9_]{3,30}$"  # a handle names the document handles/{handle}


def is_firestore_id(value: Any) -> bool:
    """True if value keeps Firestore's documented rules for a document id.

    Google's emulator refuses __.+__ ("__x__", "_____") and accepts "____", which the documented
    __.*__ refuses; the documented rule is kept, the stricter by that one string.
    """
    if not isinstance(value, str) or not value or value in (".", "..") or "/" in value:
        return False
    if RESERVED_ID_RE.fullmatch(value):
        return False
    try:
        return len(value.encode("utf-8")) <= DOCUMENT_ID_MAX_BYTES
    except UnicodeEncodeError:  # a lone surrogate is not UTF-8
        return False


def is_id(value: Any) -> bool:
    """True for an id Hearth accepts from a client: its own shape and Firestore's rules."""
    return isinstance(value, str) and ID_RE.fullmatch(value) is not None and is_firestore_id(value)


def doc_id(value: str, what: str) -> str:
    """An id from a URL path: one that could never name a document is simply not found (404)."""
    if not is_id(value):
        raise NotFound(f"{what} not found")
    return value


def id_field(value: Any, field: str) -> str:
    """An id in a request body: one that could never name a document breaks a rule (422 on field)."""
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string", field=field)
    if not is_id(value):
        raise Invalid(f"{field} is not a valid id", field=field)
    return value


# --- text ----------------------------------------------------------------------------------------
# Ranges of code points, kept as data so the same rule renders into Python and into the document.
Ranges = tuple[tuple[int, int], ...]

# C0 controls but tab and newline, DEL, and the C1 controls: refused in every text field.
CONTROL: Ranges = ((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F))
# The explicit bidirectional formatting characters that "Trojan Source" (CVE-2021-42574) abuses:
# embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069). Refused in handles,
# titles and display names, which are shown inline next to other text they could reorder.
# The implicit marks (LRM, RLM, ALM) stay allowed: right-to-left names need them.
BIDI_CONTROLS: Ranges = ((0x202A, 0x202E), (0x2066, 0x2069))
# Unicode's White_Space property: what trimming removes.
WHITE_SPACE: Ranges = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
# Unicode's Default_Ignorable_Code_Point property (zero-width characters, joiners, fillers,
# variation selectors, tags...), which renderers draw as nothing, and U+2800 BRAILLE PATTERN
# BLANK, drawn as a blank cell.
INVISIBLE_EXTRA: Ranges = (
    (0xAD, 0xAD),
    (0x34F, 0x34F),
    (0x61C, 0x61C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# A character is visible unless it is white space, a control or one of the above.
INVISIBLE: Ranges = WHITE_SPACE + CONTROL + INVISIBLE_EXTRA


def _char(code: int) -> str:
    # BMP characters as \uXXXX escapes (read the same by Python and ECMA-262); the few astral
    # ones literally, which both read as one code point (ECMA-262 with the "u" flag, as JSON
    # Schema asks).
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)


def char_class(ranges: Ranges, *, negate: bool = False) -> str:
    """A regular-expression character class of ranges, valid in Python and in ECMA-262."""
    body = "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


TRIM = "".join(chr(c) for a, b in WHITE_SPACE for c in range(a, b + 1))


def text_pattern(*, required: bool, visible: bool, no_bidi: bool) -> str:
    """The `pattern` of a text field in the OpenAPI document, equal to what text() accepts."""
    allowed = char_class(CONTROL + (BIDI_CONTROLS if no_bidi else ()), negate=True)
    if visible:
        return f"^{allowed}*{char_class(INVISIBLE, negate=True)}{allowed}*$"
    if required:
        return f"^{allowed}*{char_class(WHITE_SPACE + CONTROL, negate=True)}{allowed}*$"
    return f"^{allowed}*$"


def _forbidden_re(no_bidi: bool) -> re.Pattern[str]:
    return re.compile(char_class(CONTROL + (BIDI_CONTROLS if no_bidi else ())))


FORBIDDEN_RE = {False: _forbidden_re(False), True: _forbidden_re(True)}
SURROGATE_RE = re.compile("[\ud800-\udfff]")
VISIBLE_RE = re.compile(char_class(INVISIBLE, negate=True))


def text(
    value: Any, field: str, *, max_len: int, required: bool = True, visible: bool = False, no_bidi: bool = False
) -> str:
    """A string of at most max_len characters, returned trimmed of surrounding white space.

    Refused: lone surrogates (not Unicode text; Firestore cannot store them), control characters
    other than tab and newline, and (no_bidi) bidi embeddings, overrides and isolates. After
    trimming it must not be empty (required), and must hold a visible character (visible).
    The length counts code points before trimming, as the OpenAPI document's maxLength does.
    """
    if not isinstance(value, str):
        raise Invalid(f"{field} must be a string", field=field)
    if SURROGATE_RE.search(value):
        raise Invalid(f"{field} is not valid Unicode text (a lone surrogate)", field=field)
    if FORBIDDEN_RE[no_bidi].search(value):
        what = "control characters (other than tab and newline)"
        if no_bidi:
            what += " or bidirectional embeddings, overrides and isolates"
        raise Invalid(f"{field} must not contain {what}", field=field)
    if len(value) > max_len:
        raise Invalid(f"{field} must be at most {max_len} characters", field=field)
    value = value.strip(TRIM)
    if (required or visible) and not value:
        raise Invalid(f"{field} is required", field=field)
    if visible and not VISIBLE_RE.search(value):
        raise Invalid(f"{field} must contain a visible character", field=field)
    return value


def title(value: Any) -> str:
    return text(value, "title", max_len=TITLE_MAX, visible=True, no_bidi=True)


def body(value: Any) -> str:
    return text(value, "body", max_len=BODY_MAX)


def tags(value: Any) -> list[str]:
    """0-4 distinct tags of [a-z0-9-]{1,30}; order kept, duplicates refused; null means none."""
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
    """The `tag` query parameter: absent, or one valid tag (an empty value is refused)."""
    if value is None:
        return None
    if not TAG_RE.fullmatch(value):
        raise Invalid("tag must be 1-30 characters of a-z, 0-9 and '-'", field="tag")
    return value


def handle(value: Any) -> str:
    if not isinstance(value, str) or not HANDLE_RE.fullmatch(value):
        raise Invalid("handle must be 3-30 characters of a-z, 0-9 and '_'", field="handle")
    if not is_firestore_id(value):
        raise Invalid("handle must not both start and end with '__'", field="handle")
    return value


def is_handle(value: str) -> bool:
    """True if value could be someone's handle (for lookups, where anything else is not found)."""
    return HANDLE_RE.fullmatch(value) is not None and is_firestore_id(value)


def display_name(value: Any) -> str:
    return text(value, "displayName", max_len=DISPLAY_NAME_MAX, visible=True, no_bidi=True)


def bio(value: Any) -> str:
    """Up to 500 characters; null or empty clears it."""
    if value is None:
        return ""
    return text(value, "bio", max_len=BIO_MAX, required=False)


def reaction_type(value: str) -> ReactionType:
    if value not in REACTION_TYPES:
        raise Invalid(f"reaction must be one of {', '.join(REACTION_TYPES)}", field="type")
    return ReactionType(value)


def boolean(value: Any, field: str) -> bool:
    """true or false, nothing that merely looks like one ("true", 1)."""
    if not isinstance(value, bool):
        raise Invalid(f"{field} must be true or false", field=field)
    return value


def limit(value: str | None, default: int = LIMIT_DEFAULT, maximum: int = LIMIT_MAX) -> int:
    """The `limit` query parameter: absent (the default) or a whole number 1..maximum."""
    if value is None:
        return default
    try:
        # ASCII digits only: int() alone would also take " 5", "1_0" and other scripts' digits.
        number = int(value) if re.fullmatch(r"[+-]?[0-9]+", value) else None
    except ValueError:  # more digits than int() converts
        number = maximum + 1
    if number is None:
        raise Invalid("limit must be a whole number", field="limit")
    if not 1 <= number <= maximum:
        raise Invalid(f"limit must be between 1 and {maximum}", field="limit")
    return number
