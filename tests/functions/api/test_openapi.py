"""The OpenAPI document says exactly what the API accepts.

The text patterns are read from the served document and run, with a JSON Schema validator,
against the same inputs as the validators, so the two cannot drift apart. The structural rules
below hold for every operation, including ones added later.
"""

from __future__ import annotations

from typing import Any, Callable

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth import validation
from hearth.api.openapi import openapi_document
from hearth.db import cursors
from hearth.errors import ApiError

DOC = openapi_document()
SCHEMAS = DOC["components"]["schemas"]


def _property(schema: str, name: str) -> dict[str, Any]:
    return SCHEMAS[schema]["properties"][name]


def _query_parameter(path: str, name: str) -> dict[str, Any]:
    return next(p["schema"] for p in DOC["paths"][path]["get"]["parameters"] if p["name"] == name)


# (where in the document, the validator the API runs on that field)
FIELDS: list[tuple[str, dict[str, Any], Callable[[Any], Any]]] = [
    ("ThreadInput.title", _property("ThreadInput", "title"), validation.title),
    ("ThreadPatch.title", _property("ThreadPatch", "title"), validation.title),
    ("ThreadInput.body", _property("ThreadInput", "body"), validation.body),
    ("CommentInput.body", _property("CommentInput", "body"), validation.body),
    ("CommentPatch.body", _property("CommentPatch", "body"), validation.body),
    ("ProfileInput.displayName", _property("ProfileInput", "displayName"), validation.display_name),
    ("ProfileInput.bio", _property("ProfileInput", "bio"), validation.bio),
    ("ProfileInput.handle", _property("ProfileInput", "handle"), validation.handle),
    ("CommentInput.parentId", _property("CommentInput", "parentId"), lambda v: validation.id_field(v, "parentId")),
    ("GET /api/threads tag", _query_parameter("/api/threads", "tag"), validation.tag_filter),
]
VALIDATORS = {name: jsonschema_rs.Draft202012Validator(schema) for name, schema, _ in FIELDS}


def _accepted(check: Callable[[Any], Any], value: Any) -> bool:
    try:
        check(value)
    except ApiError:
        return False
    return True


def _edges() -> list[str]:
    """Every character at and just beside each edge of every range the text rules name."""
    ranges = validation.CONTROL + validation.BIDI_CONTROLS + validation.WHITE_SPACE + validation.INVISIBLE_EXTRA
    codes = {c for a, b in ranges for c in (a - 1, a, b, b + 1) if 0 <= c <= 0x10FFFF and not 0xD800 <= c <= 0xDFFF}
    return [chr(c) for c in sorted(codes)]


EDGES = _edges()
SAMPLES = (
    list(EDGES)
    + [f"ab{c}cd" for c in EDGES]
    + [f"  {c}  " for c in EDGES]
    + [f"{c}x" for c in EDGES]
    + [
        "",
        " ",
        "x",
        "  x  ",
        "__x__",
        "__main__",
        "____",
        "abc",
        "a-b",
        "a_b",
        "A",
        "a/b",
        "..",
        "\U0001f525",
        "\u05e9\u05dc\u05d5\u05dd",
        "\u200e\u05e9",
        "x" * 30,
        "x" * 31,
        "x" * 50,
        "x" * 51,
        " " + "x" * 50,
        "x" * 150,
        "x" * 151,
        "x" * 500,
        "x" * 501,
        " " * 3 + "x" * 148,
        "x" * 64,
        "x" * 65,
    ]
)


@pytest.mark.parametrize("name,schema,check", FIELDS, ids=[f[0] for f in FIELDS])
def test_each_text_field_accepts_exactly_what_its_schema_allows(name, schema, check):
    disagreements = [value for value in SAMPLES if VALIDATORS[name].is_valid(value) != _accepted(check, value)]
    assert disagreements == [], f"{name}: schema and API disagree on {disagreements[:5]!r}"


@pytest.mark.parametrize("name,schema,check", FIELDS, ids=[f[0] for f in FIELDS])
@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(max_size=60), st.text(alphabet=st.sampled_from(EDGES + ["a", " ", "_"]), max_size=12)))
def test_random_text_gets_the_same_answer_from_the_schema_and_the_api(name, schema, check, value):
    assert VALIDATORS[name].is_valid(value) == _accepted(check, value)


def test_nothing_but_null_or_a_string_is_a_nullable_text():
    for value in (None, 5, True, ["a"], {"a": 1}):
        assert VALIDATORS["ProfileInput.bio"].is_valid(value) == _accepted(validation.bio, value)
        assert VALIDATORS["CommentInput.parentId"].is_valid(value) == (value is None)


def test_a_cursor_the_api_makes_matches_the_documented_cursor_parameter():
    from datetime import datetime, timezone

    schema = _query_parameter("/api/threads", "cursor")
    token = cursors.encode("threads:top::", [2**62, datetime.now(timezone.utc), "Xy3kPq8LmN2vB7cD1eFg"])
    assert jsonschema_rs.Draft202012Validator(schema).is_valid(token)


# --- rules every operation keeps, so endpoints added later are held to them --------------------

OPERATIONS = [
    (path, method, op) for path, item in DOC["paths"].items() for method, op in item.items() if method != "parameters"
]
IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


@pytest.mark.parametrize("path,method,op", OPERATIONS, ids=IDS)
def test_every_error_status_an_operation_lists_uses_the_error_shape(path, method, op):
    for status, response in op["responses"].items():
        if int(status) >= 400:
            assert response == {"$ref": f"#/components/responses/E{status}"}, (status, response)


@pytest.mark.parametrize("path,method,op", OPERATIONS, ids=IDS)
def test_operations_list_the_statuses_their_shape_implies(path, method, op):
    statuses = set(op["responses"])
    assert "431" in statuses  # headers (through Hosting, a long URL) past the server's cap: any request
    if "requestBody" in op:  # malformed or too deep JSON, over 64 KiB, a field breaking a rule
        assert {"400", "413", "422"} <= statuses
    if op.get("security"):  # a bad token is a 401, even where signing in is optional
        assert "401" in statuses
    if any(p["in"] == "query" for p in op.get("parameters", [])):
        assert "422" in statuses
    if method == "get":
        assert "304" in statuses  # every GET answers If-None-Match


def test_the_documented_error_responses_exist_with_retry_after_where_it_is_sent():
    responses = DOC["components"]["responses"]
    referenced = {
        r["$ref"].rsplit("/", 1)[1] for _, _, op in OPERATIONS for r in op["responses"].values() if "$ref" in r
    }
    assert referenced <= set(responses)
    for name in ("E429", "E503"):
        assert responses[name]["headers"]["Retry-After"]["required"] is True
