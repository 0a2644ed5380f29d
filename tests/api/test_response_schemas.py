"""Answers the fuzzer cannot reach (a moderator's queue, log and actions, reports, suspensions, a user's comments)
match their exact schemas in the served document: every field listed, none missing, nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import jsonschema_rs
import pytest

from tests.api.conftest import Api


@pytest.fixture(scope="module")
def document(api: Api) -> dict[str, Any]:
    return api.get("/openapi.json").json()


def check(document: dict[str, Any], path: str, method: str, response, status: str = "200") -> None:
    """response's JSON matches what the document says this operation answers with status."""
    assert response.status_code == int(status), response.text
    schema = document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": document["components"]})
    errors = [str(e) for e in validator.iter_errors(response.json())]
    assert errors == [], f"{method.upper()} {path}: {errors[:3]}"


def test_moderation_answers_match_the_document_exactly(
    api, document, alice, bob, make_user, moderator, thread, make_comment
):
    reporter = make_user()
    comment = make_comment(bob, thread["id"], "a comment to report")
    cpath = f"/threads/{thread['id']}/comments/{comment['id']}"
    check(
        document,
        "/api/threads/{tid}/comments/{cid}/report",
        "post",
        api.post(f"{cpath}/report", reporter, json={"reason": "spam", "note": "links"}),
        "202",
    )
    check(
        document,
        "/api/threads/{tid}/report",
        "post",
        api.post(f"/threads/{thread['id']}/report", reporter, json={"reason": "other"}),
        "202",
    )
    check(document, "/api/mod/queue", "get", api.get("/mod/queue", moderator))
    key = f"comment~{thread['id']}~{comment['id']}"
    check(
        document,
        "/api/mod/queue/{key}",
        "post",
        api.post(f"/mod/queue/{key}", moderator, json={"action": "hide", "reason": "spam"}),
    )
    check(document, "/api/mod/queue", "get", api.get("/mod/queue", moderator, params={"state": "resolved"}))
    check(document, "/api/threads/{tid}/comments/{cid}/hidden", "delete", api.delete(f"{cpath}/hidden", moderator))
    check(
        document,
        "/api/threads/{tid}",
        "patch",
        api.patch(f"/threads/{thread['id']}", moderator, json={"locked": True, "pinned": False}),
    )
    handle = api.get("/me", alice).json()["handle"]
    until = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    check(
        document,
        "/api/users/{handle}/suspension",
        "put",
        api.put(f"/users/{handle}/suspension", moderator, json={"reason": "cool off", "until": until}),
    )
    check(document, "/api/users/{handle}", "get", api.get(f"/users/{handle}"))
    check(document, "/api/mod/log", "get", api.get("/mod/log", moderator))
    check(
        document,
        "/api/users/{handle}/comments",
        "get",
        api.get(f"/users/{api.get('/me', bob).json()['handle']}/comments"),
    )
