"""What world-readable documents hold (issue 15, finding 12), and links that name people by uid.

Threads and comments carry `mentionCount` but never the mentioned uids (they live in the post's private
mentions document, which no client reads); mention links and profile lookups go by uid, so a post keeps
pointing at the same person through a change of handle.
"""

from __future__ import annotations

from typing import Callable

from google.cloud import firestore

from devstack.authemu import User
from tests.api.conftest import Api, assert_error
from tests.api.test_notifications import inbox, wait_for_inbox
from tests.api.test_queue import _read_directly


def _handle(api: Api, user: User) -> str:
    response = api.get("/me", user)
    assert response.status_code == 200, response.text
    return response.json()["handle"]


def test_posts_show_how_many_they_mention_never_whom(api, stack, db, alice, bob, make_user, moderator, make_comment):
    carol = make_user(name="Carol")
    c = _handle(api, carol)
    posted = api.post("/threads", alice, json={"title": "Asking Carol", "body": f"Hello @{c}"})
    assert posted.status_code == 201, posted.text
    tid = posted.json()["id"]
    comment = make_comment(bob, tid, f"Me too, @{c}")
    wait_for_inbox(api, carol, 2)  # both mentions still notify
    for path in (f"threads/{tid}", f"threads/{tid}/comments/{comment['id']}"):
        public = _read_directly(stack, None, path)
        assert public.status_code == 200, public.text
        fields = public.json()["fields"]
        assert "mentions" not in fields and fields["mentionCount"] == {"integerValue": "1"}, path
        private = f"{path}/private/mentions"
        assert db.document(private).get().to_dict() == {"uids": [carol.uid]}
        # Nobody reads whom a post mentions: not the author, not the mentioned, not a moderator.
        for viewer in (None, alice, bob, carol, moderator):
            assert _read_directly(stack, viewer, private).status_code == 403, (private, viewer)


def test_a_post_written_before_the_uids_moved_keeps_its_mentions_through_an_edit(
    api, db, alice, bob, make_user, thread, make_comment
):
    carol, dave = make_user(name="Carol"), make_user(name="Dave")
    c, d = _handle(api, carol), _handle(api, dave)
    comment = make_comment(bob, thread["id"], f"Hi @{c}")
    wait_for_inbox(api, carol, 1)
    ref = db.document(f"threads/{thread['id']}/comments/{comment['id']}")
    # As the post was stored before: the uids on the post itself, no count, no private document.
    ref.update({"mentions": [carol.uid], "mentionCount": firestore.DELETE_FIELD})
    ref.collection("private").document("mentions").delete()
    edited = api.patch(f"/threads/{thread['id']}/comments/{comment['id']}", bob, json={"body": f"Hi @{c} and @{d}"})
    assert edited.status_code == 200, edited.text
    [to_dave] = wait_for_inbox(api, dave, 1)["items"]
    assert to_dave["kind"] == "mention"
    stored = ref.get().to_dict()
    assert "mentions" not in stored and stored["mentionCount"] == 2
    assert ref.collection("private").document("mentions").get().to_dict() == {"uids": [carol.uid, dave.uid]}
    assert len(inbox(api, carol)["items"]) == 1  # Carol was mentioned before: told once


def test_a_mention_keeps_its_person_through_a_change_of_handle(
    api, alice, make_user, thread, make_comment: Callable[..., dict]
):
    carol = make_user(name="Carol")
    old = _handle(api, carol)
    comment = make_comment(alice, thread["id"], f"Thanks @{old}")
    link = f'href="/u/id/{carol.uid}"'
    assert link in comment["bodyHtml"]
    renamed = api.put("/me", carol, json={"handle": f"{old[:20]}_new"})
    assert renamed.status_code == 200, renamed.text
    # The old post's link still names Carol, and her profile by uid says who she is now.
    again = api.get(f"/threads/{thread['id']}/comments/{comment['id']}").json()
    assert link in again["bodyHtml"]
    profile = api.get(f"/users/id/{carol.uid}")
    assert profile.status_code == 200, profile.text
    assert (profile.json()["uid"], profile.json()["handle"]) == (carol.uid, f"{old[:20]}_new")
    assert_error(api.get(f"/users/{old}"), 404)  # nobody goes by the old handle now
    assert_error(api.get("/users/id/nobody-has-this-uid"), 404, "not_found")
    # The author's link in the API is a uid too: the author snapshot names it.
    assert again["author"]["uid"] == alice.uid
