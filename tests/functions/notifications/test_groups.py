"""Runs of comments on one's thread (notifications/groups.py): the pure parts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hearth.notifications.groups import GROUP_ACTORS, GROUP_IDS, current_run, fold, run_unread

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_a_marker_stands_for_its_run_until_mark_all_read_passes_it():
    marker = {"threadId": "t", "run": "r1", "startedAt": T0}
    assert current_run(marker, None) == "r1"
    assert current_run(marker, T0 - timedelta(seconds=1)) == "r1"
    assert current_run(marker, T0) is None  # marked all read at or after the run began: it is over
    assert current_run(None, None) is None
    assert current_run({"threadId": "t"}, None) is None


def test_a_notification_is_unread_only_in_its_threads_current_run():
    markers = {"t": {"run": "r1", "startedAt": T0}}
    assert run_unread({"threadId": "t", "run": "r1"}, markers, None)
    assert not run_unread({"threadId": "t", "run": "r0"}, markers, None)  # an earlier run, read since
    assert not run_unread({"threadId": "u", "run": "r1"}, markers, None)
    assert not run_unread({"threadId": "t"}, markers, None)
    assert not run_unread({"threadId": "t", "run": "r1"}, markers, T0)


def _note(n: int, run: str | None, actor: str = "a") -> tuple[str, dict]:
    data = {
        "threadId": "t",
        "commentId": f"c{n}",
        "rootId": f"c{n}",
        "actor": {"uid": actor, "handle": actor, "displayName": actor.upper()},
    }
    if run:
        data["run"] = run
    return f"n{n}", data


def test_a_runs_head_is_its_item_and_says_what_the_run_holds():
    head = _note(1, "n1", "c")
    page = [_note(9, None), head, _note(0, None)]
    newest = {"n1": [_note(8, "n1", "b"), _note(6, "n1", "a"), _note(5, "n1", "b"), head]}
    folded = fold(page, newest, {"n1": 4})
    assert [(nid, group is not None) for nid, _, group in folded] == [("n9", False), ("n1", True), ("n0", False)]
    group = folded[1][2]
    assert group is not None and group.pop("latest") == _note(8, "n1", "b")[1]
    assert group == {
        "id": "n1",
        "commentId": "c1",  # the run's first comment
        "rootId": "c1",
        "url": None,
        "count": 4,
        "commentIds": ["c8", "c6", "c5", "c1"],
        "actors": [
            {"handle": "b", "displayName": "B"},
            {"handle": "a", "displayName": "A"},
            {"handle": "c", "displayName": "C"},
        ],
    }


def test_a_group_lists_a_bounded_few():
    members = [_note(n, "n1", f"p{n}") for n in range(40, 0, -1)]
    [(_, _, group)] = fold([_note(1, "n1")], {"n1": members}, {"n1": 150})
    assert group is not None and group["count"] == 150
    assert len(group["commentIds"]) == GROUP_IDS and len(group["actors"]) == GROUP_ACTORS
    assert group["commentId"] == "c1"


def test_a_run_of_one_is_an_item_of_one():
    head = _note(3, "n3")
    [(_, _, group)] = fold([head], {"n3": []}, {"n3": 0})
    assert group is not None and (group["count"], group["commentIds"]) == (1, ["c3"])
