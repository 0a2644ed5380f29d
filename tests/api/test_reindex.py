"""make reindex (hearth.search.backfill) on the emulator's Firestore: posts without terms become findable,
an interrupted run resumes, a finished one writes nothing more, and a post edited meanwhile keeps its own terms."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from google.cloud import firestore

from hearth.api.app import create_app
from hearth.db.ratelimit import Limit
from hearth.deps import Config, Deps, utc_now
from hearth.search import backfill
from scripts import reindex
from tests.support.inprocess import verify_token


@pytest.fixture
def setup(stack, monkeypatch):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    project = f"reindex-{uuid.uuid4().hex[:8]}"
    db = firestore.Client(project=project)
    many = Limit("x", 10_000, timedelta(minutes=1))
    config = Config(comment_limit=many, thread_limit=many, search_limit=many)
    client = create_app(Deps(db=db, verify_token=verify_token, config=config, clock=utc_now)).test_client()
    return project, db, client


def _search(client, q: str, kind: str = "threads") -> list[str]:
    response = client.get(
        "/api/search", query_string={"q": q, "type": kind, "limit": 50}, headers={"Authorization": "Bearer reader"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return [i["id"] for i in response.get_json()["items"]]


def _seed_old_posts(db, client, n: int) -> tuple[list[str], list[str]]:
    """n threads and n comments as written before search existed: no terms field."""
    tids, cids = [], []
    for i in range(n):
        tid = client.post(
            "/api/threads",
            headers={"Authorization": "Bearer a"},
            json={"title": f"Legacy {i}", "body": "quokkas everywhere"},
        ).get_json()["id"]
        cid = client.post(
            f"/api/threads/{tid}/comments", headers={"Authorization": "Bearer b"}, json={"body": "wombats in comments"}
        ).get_json()["id"]
        tids.append(tid)
        cids.append(cid)
    for tid, cid in zip(tids, cids, strict=True):
        db.document(f"threads/{tid}").update({"terms": firestore.DELETE_FIELD})
        db.document(f"threads/{tid}/comments/{cid}").update({"terms": firestore.DELETE_FIELD})
    return tids, cids


class Stop(Exception):
    pass


def test_an_interrupted_backfill_resumes_and_a_finished_one_writes_nothing(setup, tmp_path):
    _project, db, client = setup
    tids, cids = _seed_old_posts(db, client, 7)
    deleted = client.post(
        "/api/threads", headers={"Authorization": "Bearer a"}, json={"title": "Gone", "body": "quokkas deleted"}
    ).get_json()["id"]
    assert client.delete(f"/api/threads/{deleted}", headers={"Authorization": "Bearer a"}).status_code == 204
    db.document(f"threads/{deleted}").update({"terms": ["quokka"]})  # as an old tombstone might hold
    assert _search(client, "quokkas") == [] and _search(client, "wombats", "comments") == []

    state = tmp_path / "state.json"
    pages = []

    def stop_after_two(progress):
        pages.append(progress.written)
        if len(pages) == 2:
            raise Stop

    with pytest.raises(Stop):
        backfill.run(db, state=state, page=3, batch=2, on_page=stop_after_two)
    saved = backfill.Progress.load(state)
    assert saved.after["threads"] is not None and saved.written == 6
    finished = backfill.run(db, state=state, page=3, batch=2)
    assert finished.done == {"threads": True, "comments": True}
    assert finished.written == 7 + 1 + 7  # the rest of the threads, the tombstone, every comment
    assert sorted(_search(client, "quokkas")) == sorted(tids)
    assert sorted(_search(client, "wombats", "comments")) == sorted(cids)
    assert db.document(f"threads/{deleted}").get().get("terms") == []

    again = backfill.run(db, state=tmp_path / "fresh.json", page=50)
    assert again.written == 0 and again.read == 8 + 7


def test_a_post_edited_during_the_backfill_keeps_the_terms_of_its_edit(setup, tmp_path):
    _project, db, client = setup
    tids, _ = _seed_old_posts(db, client, 1)
    snap = db.document(f"threads/{tids[0]}").get()
    # The edit lands between the backfill's read and its write: its precondition fails, it reads again.
    assert (
        client.patch(
            f"/api/threads/{tids[0]}", headers={"Authorization": "Bearer a"}, json={"body": "platypus now"}
        ).status_code
        == 200
    )
    progress = backfill.Progress()
    backfill._commit(db, "threads", [(snap, ["stale"])], progress)
    assert progress.retried == 1
    assert _search(client, "platypus") == [tids[0]] and _search(client, "quokkas") == []


def test_the_command_runs_against_the_emulator(setup, tmp_path, capsys):
    project, db, client = setup
    tids, _ = _seed_old_posts(db, client, 2)
    assert reindex.main(["--project", project, "--state", str(tmp_path / "s.json"), "--page", "1"]) == 0
    assert sorted(_search(client, "quokkas")) == sorted(tids)
    assert "Done in" in capsys.readouterr().out
    assert not Path(tmp_path / "s.json").exists()
