"""make migrate-private (scripts/migrate_private.py) on the emulators: documents as older versions wrote them
lose their private fields to private documents, mention links go by uid, moderators/{uid} follows the
claim on the Auth emulator, and a second run changes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from google.cloud import firestore

from hearth.api.app import create_app
from hearth.deps import Config, Deps, utc_now
from scripts import migrate_private
from tests.support.inprocess import bearer, verify_token


@pytest.fixture
def setup(stack, monkeypatch):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", stack.auth_host)
    db = firestore.Client(project=f"migrate-{uuid.uuid4().hex[:8]}")
    client = create_app(Deps(db=db, verify_token=verify_token, config=Config(), clock=utc_now)).test_client()
    return db, client


def _handle(client, uid: str) -> str:
    return client.get("/api/me", headers=bearer(uid)).get_json()["handle"]


def _as_written_before(db: firestore.Client, path: str, uids: list[str], handles: dict[str, str]) -> None:
    """Make a post look as older versions stored it: uids on the post, links by handle, no private document."""
    ref = db.document(path)
    html = ref.get().get("bodyHtml")
    for uid, handle in handles.items():
        html = html.replace(f'href="/u/id/{uid}"', f'href="/u/{handle}"')
    ref.update({"mentions": uids, "mentionCount": firestore.DELETE_FIELD, "bodyHtml": html})
    ref.collection("private").document("mentions").delete()


def test_old_documents_move_their_private_fields_and_moderators_get_their_record(setup, stack, make_user):
    db, client = setup
    ada, bob = f"ada{uuid.uuid4().hex[:6]}", f"bob{uuid.uuid4().hex[:6]}"
    handles = {ada: _handle(client, ada), bob: _handle(client, bob)}
    tid = client.post(
        "/api/threads", headers=bearer(ada), json={"title": "t", "body": f"hi @{handles[bob]}"}
    ).get_json()["id"]
    cid = client.post(
        f"/api/threads/{tid}/comments", headers=bearer(bob), json={"body": f"@{handles[ada]} yes"}
    ).get_json()["id"]
    _as_written_before(db, f"threads/{tid}", [bob], {bob: handles[bob]})
    _as_written_before(db, f"threads/{tid}/comments/{cid}", [ada], {ada: handles[ada]})
    # A link whose handle has since been claimed by someone the post never mentioned stays as it was.
    stray = '<a href="/u/someone_else" class="mention">@someone_else</a>'
    db.document(f"threads/{tid}/comments/{cid}").update(
        {"bodyHtml": db.document(f"threads/{tid}/comments/{cid}").get().get("bodyHtml") + stray}
    )
    db.document("handles/someone_else").set({"uid": "a-newcomer"})
    ended = datetime.now(timezone.utc) - timedelta(days=400)
    db.document(f"users/{bob}").update({"suspension": {"reason": "old news", "until": ended, "at": ended}})
    db.document(f"users/{ada}").update({"approved": True})
    moderator = make_user(moderator=True)  # holds the claim on the Auth emulator, has no record yet
    db.document("moderators/demoted-long-ago").set({"uid": "demoted-long-ago"})

    # The accounts are the stack's Auth emulator's (its project); the documents this test's own project's.
    counts = migrate_private.run(db, migrate_private.auth_users(stack.project))

    assert counts.moved == {"users": 2, "threads": 1, "comments": 1}
    for uid in (ada, bob):
        assert not {"suspension", "approved"} & set(db.document(f"users/{uid}").get().to_dict())
    assert db.document(f"users/{bob}/private/standing").get().to_dict()["suspension"]["reason"] == "old news"
    assert db.document(f"users/{ada}/private/standing").get().to_dict() == {"approved": True}
    for path, uid in ((f"threads/{tid}", bob), (f"threads/{tid}/comments/{cid}", ada)):
        post = db.document(path).get().to_dict()
        assert "mentions" not in post and post["mentionCount"] == 1
        assert db.document(f"{path}/private/mentions").get().to_dict() == {"uids": [uid]}
        assert f'href="/u/id/{uid}"' in post["bodyHtml"] and 'href="/u/id/' in post["bodyHtml"]
    assert stray in db.document(f"threads/{tid}/comments/{cid}").get().get("bodyHtml")
    assert db.document(f"moderators/{moderator.uid}").get().to_dict() == {"uid": moderator.uid}
    assert not db.document("moderators/demoted-long-ago").get().exists

    again = migrate_private.run(db, migrate_private.auth_users(stack.project))
    assert again.moved == {"users": 0, "threads": 0, "comments": 0}
    assert (again.moderators_added, again.moderators_removed) == (0, 0)


def test_relinking_touches_only_old_mention_links_of_mentioned_users():
    html = (
        '<p><a href="/u/ada_1" class="mention" rel="nofollow ugc noopener">@ada_1</a> '
        '<a href="/u/bob_1" class="mention" rel="nofollow ugc noopener">@bob_1</a> '
        '<a href="/u/ada_1" rel="nofollow ugc noopener">not a mention</a></p>'
    )
    assert migrate_private.old_link_handles(html) == ["ada_1", "bob_1"]
    out = migrate_private.relinked(html, {"ada_1": "uid-a", "bob_1": "uid-b"}, ["uid-a"])
    assert '<a href="/u/id/uid-a" class="mention"' in out
    assert '<a href="/u/bob_1" class="mention"' in out  # bob was never mentioned by this post
    assert '<a href="/u/ada_1" rel=' in out
    assert migrate_private.post_move({"bodyHtml": html}, {}) is None
    assert migrate_private.standing_move({"handle": "x"}) is None
