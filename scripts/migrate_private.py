"""`make migrate-private`: after deploying the version that keeps moderators' and authors' business off
public documents, move what older versions stored there, and give existing moderators the
`moderators/{uid}` document without which the rules no longer trust their claim.

1. `suspension` and `approved` leave each `users/{uid}` for `users/{uid}/private/standing` (the user's and
   moderators' to read). An expired suspension moves too: it is private history, no longer public.
2. Each thread's and comment's `mentions` uids leave the post for `{post}/private/mentions`, which no
   client reads; the post keeps `mentionCount`. Its mention links (`/u/{handle}`) become `/u/id/{uid}`,
   where the handle's claim names one of the users the post mentioned (a handle released and taken by
   someone else since is left alone: the link then names nobody the post meant).
3. `moderators/{uid}` is written for every Auth account holding the moderator claim, and deleted for any
   that no longer does.

Every write is preconditioned on the document being as read (a post edited meanwhile is read again), so
the API may keep serving while it runs; running it again changes nothing. Against the emulators,
FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST name them (PROJECT: demo-hearth by default);
against a real project, Application Default Credentials and PROJECT=<project id>.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "functions"))

from google.api_core import exceptions as google_errors
from google.cloud import firestore

from hearth.db import store
from hearth.forum import mentions

STANDING_FIELDS = ("suspension", "approved")
PAGE = 300
ATTEMPTS = 5
# How render.py wrote a mention link before links went by uid (sanitised HTML: attributes in this order).
OLD_MENTION_LINK = re.compile(r'<a href="/u/([a-z0-9_]{3,30})" class="mention"')


@dataclass
class Counts:
    """What a run did: documents read and moved, moderator records written and removed."""

    read: int = 0
    moved: dict[str, int] = field(default_factory=lambda: {"users": 0, "threads": 0, "comments": 0})
    moderators_added: int = 0
    moderators_removed: int = 0


def standing_move(profile: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(the standing to merge in, the profile's changes) for a profile holding standing fields; None otherwise."""
    standing = {k: profile[k] for k in STANDING_FIELDS if k in profile}
    if not standing:
        return None
    return standing, dict.fromkeys(standing, firestore.DELETE_FIELD)


def old_link_handles(html: str) -> list[str]:
    """The handles of the old (by-handle) mention links in a post's HTML."""
    return list(dict.fromkeys(OLD_MENTION_LINK.findall(html or "")))


def relinked(html: str, uid_of: Mapping[str, str], mentioned: Iterable[str]) -> str:
    """html with each old mention link pointing at its user by uid: the handle's claim names a uid the
    post mentioned (uid_of: handle -> uid of its claim). Other links stay as they are."""
    allowed = set(mentioned)

    def swap(match: re.Match[str]) -> str:
        uid = uid_of.get(match.group(1))
        if uid is None or uid not in allowed:
            return match.group(0)
        return f'<a href="{mentions.profile_href(uid)}" class="mention"'

    return OLD_MENTION_LINK.sub(swap, html)


def post_move(post: Mapping[str, Any], uid_of: Mapping[str, str]) -> tuple[list[str], dict[str, Any]] | None:
    """(the uids for the private mentions document, the post's changes) for a post still holding `mentions`."""
    if "mentions" not in post:
        return None
    uids = [u for u in dict.fromkeys(post.get("mentions") or []) if isinstance(u, str)][: mentions.MAX_MENTIONS]
    changes: dict[str, Any] = {"mentions": firestore.DELETE_FIELD, "mentionCount": len(uids)}
    html = post.get("bodyHtml") or ""
    new_html = relinked(html, uid_of, uids)
    if new_html != html:
        changes["bodyHtml"] = new_html
    return uids, changes


def _pages(db: firestore.Client, source: firestore.Query | firestore.CollectionReference) -> Iterator[list[Any]]:
    """Every document of source in document-name order, a page at a time."""
    after = None
    while True:
        query = source.order_by("__name__").limit(PAGE)
        if after is not None:
            query = query.start_after(after)
        snaps = list(query.stream())
        if snaps:
            yield snaps
        if len(snaps) < PAGE:
            return
        after = snaps[-1]


def _unchanged(db: firestore.Client, snap: firestore.DocumentSnapshot) -> Any:
    return db.write_option(last_update_time=snap.update_time)


def _again(ref: firestore.DocumentReference, write: Callable[[firestore.DocumentSnapshot], bool]) -> bool:
    """Run write on fresh reads of ref until its precondition holds; whether it wrote."""
    for _ in range(ATTEMPTS):
        snap = ref.get()
        if not snap.exists:
            return False
        try:
            return write(snap)
        except google_errors.FailedPrecondition:
            continue
    raise RuntimeError(f"{ref.path} kept changing; run the migration again")


def move_standing(db: firestore.Client, snap: firestore.DocumentSnapshot) -> bool:
    """One profile's standing fields to its private standing document, in one commit; whether it moved any."""
    found = standing_move(snap.to_dict() or {})
    if found is None:
        return False
    standing, changes = found
    batch = db.batch()
    batch.set(store.standing(db, snap.id), standing, merge=True)
    batch.update(snap.reference, changes, option=_unchanged(db, snap))
    batch.commit()
    return True


def move_mentions(db: firestore.Client, snap: firestore.DocumentSnapshot, *, uid_of: Mapping[str, str]) -> bool:
    """One post's mention uids to its private mentions document, in one commit; whether it moved them."""
    found = post_move(snap.to_dict() or {}, uid_of)
    if found is None:
        return False
    uids, changes = found
    batch = db.batch()
    if uids:
        batch.set(store.mentions(snap.reference), {"uids": uids})
    batch.update(snap.reference, changes, option=_unchanged(db, snap))
    batch.commit()
    return True


def handle_claims(db: firestore.Client, handles: Iterable[str]) -> dict[str, str]:
    """handle -> the uid its claim document names (a resting handle still names its last owner), one batched read."""
    wanted = list(dict.fromkeys(handles))
    got = store.read_all(None, db, [store.handle(db, h) for h in wanted])
    out = {}
    for h in wanted:
        snap = got[store.handle(db, h).path]
        uid = (snap.to_dict() or {}).get("uid") if snap.exists else None
        if isinstance(uid, str):
            out[h] = uid
    return out


def migrate_documents(db: firestore.Client, counts: Counts) -> None:
    """Steps 1 and 2: profiles, then threads, then every comment (a collection-group scan)."""
    for snaps in _pages(db, db.collection("users")):
        counts.read += len(snaps)
        for snap in snaps:
            try:
                moved = move_standing(db, snap)
            except google_errors.FailedPrecondition:
                moved = _again(snap.reference, lambda s: move_standing(db, s))
            counts.moved["users"] += moved
    for kind, source in (("threads", db.collection("threads")), ("comments", db.collection_group("comments"))):
        for snaps in _pages(db, source):
            counts.read += len(snaps)
            uid_of = handle_claims(db, (h for s in snaps for h in old_link_handles(s.get("bodyHtml") or "")))
            for snap in snaps:
                try:
                    moved = move_mentions(db, snap, uid_of=uid_of)
                except google_errors.FailedPrecondition:
                    moved = _again(snap.reference, functools.partial(move_mentions, db, uid_of=uid_of))
                counts.moved[kind] += moved


def claimed_moderators(users: Iterable[Any]) -> set[str]:
    """The uids of Auth accounts (firebase_admin ExportedUserRecords) holding the moderator claim."""
    return {u.uid for u in users if (u.custom_claims or {}).get("moderator") is True}


def sync_moderators(db: firestore.Client, holders: set[str], counts: Counts) -> None:
    """Step 3: moderators/{uid} exactly for the claim's holders."""
    present = {snap.id for snap in db.collection("moderators").stream()}
    batch, pending = db.batch(), 0
    for uid in sorted(holders - present):
        batch.set(store.moderator(db, uid), {"uid": uid})
        counts.moderators_added += 1
        pending += 1
    for uid in sorted(present - holders):
        batch.delete(store.moderator(db, uid))
        counts.moderators_removed += 1
        pending += 1
    if pending:
        batch.commit()


def auth_users(project: str) -> Iterator[Any]:
    """Every Auth account of the project, through the Admin SDK (FIREBASE_AUTH_EMULATOR_HOST: the emulator's)."""
    import firebase_admin
    from firebase_admin import auth

    name = f"migrate-{project}"
    try:
        app = firebase_admin.get_app(name)
    except ValueError:
        app = firebase_admin.initialize_app(options={"projectId": project}, name=name)
    return auth.list_users(app=app).iterate_all()


def client(project: str) -> firestore.Client:
    """On the emulator, a plain client; otherwise one with Application Default Credentials."""
    return firestore.Client(project=project)


def run(db: firestore.Client, users: Iterable[Any]) -> Counts:
    counts = Counts()
    migrate_documents(db, counts)
    sync_moderators(db, claimed_moderators(users), counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", default=os.environ.get("PROJECT") or "demo-hearth")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(f"Moving private fields off public documents in project {args.project}…", flush=True)
    counts = run(client(args.project), auth_users(args.project))
    print(
        f"Done in {time.monotonic() - started:.1f} s: {counts.read} documents read; moved: "
        f"{counts.moved['users']} profiles, {counts.moved['threads']} threads, {counts.moved['comments']} comments; "
        f"moderators/{{uid}}: {counts.moderators_added} written, {counts.moderators_removed} removed."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
