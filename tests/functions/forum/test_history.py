"""Edit history's ring of versions (forum/history.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from hearth.forum.history import KEPT, changed, item, version

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
T1 = datetime(2026, 1, 2, tzinfo=timezone.utc)


def test_only_a_change_of_text_keeps_a_version():
    current = {"title": "T", "body": "b"}
    assert changed(current, {"body": "c"}) and changed(current, {"title": "U"})
    assert not changed(current, {"body": "b", "tags": ["x"]}) and not changed(current, {"locked": True})


def test_versions_take_the_slots_of_a_ring():
    post = {"title": "T", "body": "b", "bodyHtml": "<p>b</p>", "createdAt": T0, "editedAt": None}
    slot, doc, count = version(post, T1)
    assert (slot, count) == ("v0", 1)
    assert doc == {"n": 0, "title": "T", "body": "b", "bodyHtml": "<p>b</p>", "writtenAt": T0, "replacedAt": T1}
    assert version({**post, "versions": KEPT, "editedAt": T1}, T1)[0] == "v0"  # the oldest kept is replaced
    assert version({**post, "versions": KEPT + 3}, T1)[0] == "v3"
    assert version({**post, "versions": 1, "editedAt": T1}, T1)[1]["writtenAt"] == T1
    assert "title" not in version({"body": "c", "createdAt": T0}, T1)[1]  # a comment


def test_a_version_in_the_api():
    assert item({"n": 4, "body": "b", "bodyHtml": "<p>b</p>", "writtenAt": T0, "replacedAt": T1}) == {
        "version": 5,
        "title": None,
        "body": "b",
        "bodyHtml": "<p>b</p>",
        "writtenAt": "2026-01-01T00:00:00.000Z",
        "replacedAt": "2026-01-02T00:00:00.000Z",
    }
