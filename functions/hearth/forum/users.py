"""Profiles: public users/{uid} documents, unique handles, and profiles made on first use."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Callable

from google.api_core.exceptions import NotFound as NotFoundError
from google.cloud import firestore

from .. import validation
from ..auth import Caller
from ..db import store
from ..db.ratelimit import Limit, take
from ..errors import Conflict, Invalid, NotFound
from ..moderation import guard
from ..notifications import inbox
from . import serialize


class Role(StrEnum):
    """The public role badge on a profile."""

    MEMBER = "member"
    MODERATOR = "moderator"


MEMBER, MODERATOR = Role.MEMBER, Role.MODERATOR
ROLE_MEMO_MAX = 10_000


def role_of(caller: Caller) -> str:
    """The public role badge: it follows the moderator custom claim."""
    return MODERATOR if caller.is_moderator else MEMBER


class RoleMemo:
    """The role this process last saw stored in each user's profile (None: the field is missing),
    keyed by (project, uid). Bounded: it forgets everything when full."""

    def __init__(self, capacity: int = ROLE_MEMO_MAX) -> None:
        self.capacity = capacity
        self._roles: dict[tuple[str | None, str], str | None] = {}

    def knows(self, key: tuple[str | None, str]) -> bool:
        return key in self._roles

    def get(self, key: tuple[str | None, str]) -> str | None:
        return self._roles.get(key)

    def put(self, key: tuple[str | None, str], role: str | None) -> None:
        if len(self._roles) >= self.capacity and key not in self._roles:
            self.clear()
        self._roles[key] = role

    def forget(self, key: tuple[str | None, str]) -> None:
        self._roles.pop(key, None)

    def clear(self) -> None:
        """Forget every role, as a new instance starts."""
        self._roles.clear()


# Filled wherever a profile is read anyway (remember_role), so that sync_role rarely reads.
ROLES = RoleMemo()


def _memo_key(db: firestore.Client, uid: str) -> tuple[str | None, str]:
    return getattr(db, "project", None), uid


def remember_role(db: firestore.Client, uid: str, profile: firestore.DocumentSnapshot) -> None:
    """Note the role stored in a profile a request read anyway, so that sync_role after it needs no
    read of its own."""
    if not profile.exists:
        return
    try:
        role = profile.get("role")
    except KeyError:  # a profile from before roles: the memo's None, as sync_role reads it
        role = None
    ROLES.put(_memo_key(db, uid), role)


def sync_role(db: firestore.Client, caller: Caller, memo: RoleMemo = ROLES) -> None:
    """Make the caller's public `role` follow their moderator claim (a promotion or demotion shows
    on their next signed-in request).

    Costs nothing when the stored role this process last saw matches the claim, one write when it
    does not, and one read of the profile when this process has not seen it (then a write only if
    the role changed). A profile not made yet gets the right role when it is made (read_profile).
    """
    want, key, ref = role_of(caller), _memo_key(db, caller.uid), store.user(db, caller.uid)
    marker = store.moderator(db, caller.uid)
    if memo.knows(key):
        if memo.get(key) == want:
            return
    else:
        got = store.read_all(None, db, [ref, marker])
        snap = got[ref.path]
        if not snap.exists:
            # No profile yet (it gets the right role when it is made), but a moderator who has only
            # read so far still needs the rules' record, and a demoted one must lose it.
            if got[marker.path].exists != (want == MODERATOR):
                if want == MODERATOR:
                    marker.set({"uid": caller.uid})
                else:
                    marker.delete()
            return
        if (snap.to_dict() or {}).get("role") == want and got[marker.path].exists == (want == MODERATOR):
            memo.put(key, want)
            return
    batch = db.batch()
    batch.update(ref, {"role": want})
    # The rules trust the moderator claim only with this document (firestore.rules), kept in step here.
    if want == MODERATOR:
        batch.set(marker, {"uid": caller.uid})
    else:
        batch.delete(marker)
    try:
        batch.commit()
    except NotFoundError:  # the profile the memo remembered is gone: nothing to correct
        memo.forget(key)
        return
    memo.put(key, want)


def generated_handles(uid: str) -> list[str]:
    """Handle candidates for a new user, shortest first; derived from the uid, never from the email."""
    base = re.sub(r"[^a-z0-9]", "", uid.lower()) or "member"
    return [f"user_{base[:n]}"[:30] for n in (8, 12, 25)]


def initial_display_name(caller: Caller, handle: str) -> str:
    """A new profile's display name: the account's name (cut to length) if it passes the display-name
    rules (anyone can set their Auth profile's name to anything), else the handle."""
    try:
        return validation.display_name((caller.name or "")[: validation.DISPLAY_NAME_MAX])
    except Invalid:
        return handle


def read_profile(
    tx: firestore.Transaction | None,
    db: firestore.Client,
    caller: Caller,
    snap: firestore.DocumentSnapshot | None = None,
) -> dict[str, Any]:
    """The caller's profile (snap, when already read); a missing one comes back marked `_new`.

    A new profile gets a free generated handle. Reads happen in tx, or plainly when tx is None
    (for a commit that write_profile's creates then guard). Call write_profile(tx or batch, ...)
    after the other reads to store it.
    """
    if snap is None:
        snap = store.user(db, caller.uid).get(transaction=tx)
    if snap.exists:
        remember_role(db, caller.uid, snap)
        return snap.to_dict()
    candidates = generated_handles(caller.uid)
    taken = {
        s.id: s.to_dict().get("uid")
        for s in db.get_all([store.handle(db, h) for h in candidates], transaction=tx)
        if s.exists
    }
    chosen = next(h for h in candidates if taken.get(h) in (None, caller.uid))
    ROLES.put(_memo_key(db, caller.uid), role_of(caller))  # what the new profile will hold
    return {
        "_new": True,
        "_claim": chosen not in taken,  # the handle document is still to be made
        "handle": chosen,
        "displayName": initial_display_name(caller, chosen),
        "bio": "",
        "threadCount": 0,
        "commentCount": 0,
        "role": role_of(caller),
    }


def write_profile(
    tx: firestore.Transaction | firestore.WriteBatch,
    db: firestore.Client,
    caller: Caller,
    profile: dict[str, Any],
    now: datetime,
    **increments: int,
) -> None:
    """Store a profile read_profile made up (with its handle claim), or bump counters of an existing one.

    Call it after the other reads. Counters go in the same write, never a second one. The new
    profile and handle are created (not set), so in a plain batch a concurrent request that made
    them first fails the commit with AlreadyExists rather than being overwritten.
    """
    if profile.pop("_new", False):
        claim = profile.pop("_claim", True)
        for name, by in increments.items():
            profile[name] = profile.get(name, 0) + by
        profile["createdAt"] = now
        tx.create(store.user(db, caller.uid), profile)
        if claim:
            tx.create(store.handle(db, profile["handle"]), {"uid": caller.uid})
        if profile.get("role") == MODERATOR:  # the rules' side of the claim (sync_role keeps it in step)
            tx.set(store.moderator(db, caller.uid), {"uid": caller.uid})
    elif increments:
        tx.update(store.user(db, caller.uid), {k: firestore.Increment(v) for k, v in increments.items()})


def author_snapshot(uid: str, profile: dict[str, Any]) -> dict[str, Any]:
    return {"uid": uid, "handle": profile["handle"], "displayName": profile.get("displayName", profile["handle"])}


def get_me(
    db: firestore.Client, caller: Caller, now: datetime, on_ended: Callable[[], Any] | None = None
) -> dict[str, Any]:
    """The caller's profile (made on first use) and their unread notification count.

    on_ended: run when the standing still holds a suspension that is over (the moderation seam clears it
    and tells the member: moderation.suspensions.end), before the count is read back.
    """

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        profile = read_profile(tx, db, caller)
        write_profile(tx, db, caller, profile, now)
        return profile

    user_ref, inbox_ref, standing_ref = (
        store.user(db, caller.uid),
        store.inbox(db, caller.uid),
        store.standing(db, caller.uid),
    )
    # The profile, the unread count and the caller's own standing (a suspension), one round trip.
    got = store.read_all(None, db, [user_ref, inbox_ref, standing_ref])
    snap = got[user_ref.path]
    if snap.exists:
        remember_role(db, caller.uid, snap)
        profile = snap.to_dict()
    else:
        profile = store.run_transaction(db, fn)
    standing = got[standing_ref.path].to_dict() or {} if got[standing_ref.path].exists else {}
    if on_ended is not None and standing.get("suspension") and not serialize.suspension(standing, now):
        on_ended()
        standing = {k: v for k, v in standing.items() if k != "suspension"}
        got[inbox_ref.path] = inbox_ref.get()  # the notice just written counts
    # The caller's own role follows their token's claim now; the stored badge catches up once this
    # request is answered (api.app.sync_role, run by http.after_signed_in), so the web UI offers moderator tools at once.
    return {
        **serialize.profile(caller.uid, profile, now, standing),
        "role": role_of(caller),
        "unreadNotifications": inbox.unread(
            got[inbox_ref.path], inbox.shard_sum(db, caller.uid, at=got[inbox_ref.path].read_time)
        ),
    }


HANDLE_REST_DAYS = 30


def claimable(holder: firestore.DocumentSnapshot, uid: str, now: datetime) -> bool:
    """Whether uid may take the handle whose claim document is holder: nobody holds it, uid does
    (or did: a handle returns to its last owner at any time), or its rest after release is over."""
    if not holder.exists:
        return True
    data = holder.to_dict() or {}
    if data.get("uid") == uid:
        return True
    rests_until = data.get("restsUntil")
    return isinstance(rests_until, datetime) and rests_until <= now


def put_me(
    db: firestore.Client,
    caller: Caller,
    *,
    handle: str | None = None,
    display_name: str | None = None,
    bio: str | None = None,
    now: datetime,
    rest_days: int = HANDLE_REST_DAYS,
) -> dict[str, Any]:
    """Create or update the caller's profile (None leaves a field as it is); a handle someone else
    holds, or that rests after its release (rest_days, so old posts and links never point at a
    newcomer), is a 409."""
    changes: dict[str, Any] = {
        name: value
        for name, value in (("handle", handle), ("displayName", display_name), ("bio", bio))
        if value is not None
    }

    standing_ref = store.standing(db, caller.uid)
    standing: dict[str, Any] = {}

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        got = store.read_all(tx, db, [store.user(db, caller.uid), standing_ref])
        profile = read_profile(tx, db, caller, got[store.user(db, caller.uid).path])
        standing.clear()
        standing.update(got[standing_ref.path].to_dict() or {})
        guard.refuse_if_suspended(standing, now)
        new_handle = changes.get("handle", profile["handle"])
        if new_handle != profile["handle"] or profile.get("_new"):
            holder = store.handle(db, new_handle).get(transaction=tx)
            if not claimable(holder, caller.uid, now):
                raise Conflict(f"the handle '{new_handle}' is taken", field="handle")
        is_new = profile.pop("_new", False)
        profile.pop("_claim", None)  # this transaction read the handle it sets
        old_handle = profile["handle"]
        profile.update(changes)
        if is_new:
            profile["createdAt"] = now
            tx.create(store.user(db, caller.uid), profile)
            if profile.get("role") == MODERATOR:
                tx.set(store.moderator(db, caller.uid), {"uid": caller.uid})
        elif changes:
            tx.update(store.user(db, caller.uid), changes)
        if new_handle != old_handle and not is_new:
            # Released, not deleted: it rests with its last owner before anyone else may take it.
            tx.set(
                store.handle(db, old_handle),
                {"uid": caller.uid, "releasedAt": now, "restsUntil": now + timedelta(days=rest_days)},
            )
        tx.set(store.handle(db, new_handle), {"uid": caller.uid})
        return profile

    return serialize.profile(caller.uid, store.run_transaction(db, fn), now, standing)


def uid_for_handle(db: firestore.Client, handle: str) -> tuple[str, dict[str, Any]]:
    """(uid, profile) of the user with this handle, in one query; NotFound if none."""
    if not validation.is_handle(handle):
        raise NotFound("user not found")
    for snap in store.users(db).where(filter=firestore.FieldFilter("handle", "==", handle)).limit(1).stream():
        return snap.id, snap.to_dict()
    raise NotFound("user not found")


def sees_standing(viewer: Caller | None, uid: str) -> bool:
    """Whether viewer may see uid's standing (a suspension and its reason): uid themselves and moderators."""
    return viewer is not None and (viewer.uid == uid or viewer.is_moderator)


def get_user(db: firestore.Client, handle: str, now: datetime, viewer: Caller | None = None) -> dict[str, Any]:
    """The profile of the user with this handle: one query, and for the user or a moderator one read
    of the standing too (anyone else is told nothing of a suspension)."""
    uid, profile = uid_for_handle(db, handle)
    standing = store.standing(db, uid).get().to_dict() if sees_standing(viewer, uid) else None
    return serialize.profile(uid, profile, now, standing)


def get_user_by_uid(db: firestore.Client, uid: str, now: datetime, viewer: Caller | None = None) -> dict[str, Any]:
    """The profile of the user uid (what links in posts point at, so they survive a change of handle):
    one batched read, with the standing for the user or a moderator."""
    refs = [store.user(db, uid), *([store.standing(db, uid)] if sees_standing(viewer, uid) else [])]
    got = store.read_all(None, db, refs)
    snap = got[refs[0].path]
    if not snap.exists:
        raise NotFound("user not found")
    return serialize.profile(uid, snap.to_dict(), now, got[refs[1].path].to_dict() if len(refs) > 1 else None)


HANDLE_PREFIX_MIN = 2
HANDLES_FOUND = 5


def handles_with_prefix(
    db: firestore.Client, caller: Caller, prefix: str, now: datetime, limit: Limit
) -> dict[str, Any]:
    """Up to HANDLES_FOUND handles starting with prefix (for @mention autocomplete), in handle order.

    Handles only, never a list of everyone: the prefix is at least HANDLE_PREFIX_MIN characters and
    each lookup takes a place in the caller's Firestore rate window (ratelimit.Limit `lookup`), so a
    script walking every prefix is slowed to the window's pace. One range query on `users.handle`
    (current handles only: a resting one belongs to nobody now) and one preconditioned write.
    """
    take(db, caller.uid, now, limit)
    query = (
        store.users(db)
        .where(filter=firestore.FieldFilter("handle", ">=", prefix))
        .where(filter=firestore.FieldFilter("handle", "<", prefix + "\uf8ff"))
        .order_by("handle")
        .limit(HANDLES_FOUND)
    )
    return {"handles": [s.get("handle") for s in query.stream()]}
