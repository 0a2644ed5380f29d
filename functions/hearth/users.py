"""Profiles: public users/{uid} documents, unique handles, and profiles made on first use."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from google.cloud import firestore

from . import serialize, store, validation
from .auth import Caller
from .errors import Conflict, Invalid, NotFound

PROFILE_FIELDS = ("handle", "displayName", "bio")
MEMBER, MODERATOR = "member", "moderator"
ROLE_MEMO_MAX = 10_000


def role_of(caller: Caller) -> str:
    """The public role badge: it follows the moderator custom claim."""
    return MODERATOR if caller.is_moderator else MEMBER


class RoleMemo:
    """The role this instance last saw stored in each user's profile, so that sync_role reads a
    profile once per user and instance rather than on every request. Bounded: forgets all when full."""

    def __init__(self, capacity: int = ROLE_MEMO_MAX) -> None:
        self.capacity = capacity
        self._roles: dict[str, str] = {}

    def get(self, uid: str) -> str | None:
        return self._roles.get(uid)

    def put(self, uid: str, role: str) -> None:
        if len(self._roles) >= self.capacity and uid not in self._roles:
            self._roles.clear()
        self._roles[uid] = role


def sync_role(db: firestore.Client, caller: Caller, memo: RoleMemo) -> None:
    """Make the caller's public `role` follow their moderator claim (a promotion or demotion shows
    on their next signed-in request).

    Costs nothing when this instance already saw the stored role match; otherwise one read of
    the profile, and a write only when the role changed. A profile not made yet gets the right
    role when it is made (read_profile).
    """
    want = role_of(caller)
    if memo.get(caller.uid) == want:
        return
    ref = store.user(db, caller.uid)
    snap = ref.get(field_paths=["role"])
    if not snap.exists:
        return
    if (snap.to_dict() or {}).get("role") != want:
        ref.update({"role": want})
    memo.put(caller.uid, want)


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


def read_profile(tx: firestore.Transaction, db: firestore.Client, caller: Caller,
                 snap: firestore.DocumentSnapshot | None = None) -> dict[str, Any]:
    """The caller's profile (snap, when already read in tx); a missing one comes back marked `_new`.

    A new profile gets a free generated handle. Call write_profile(tx, ...) after the
    transaction's other reads to store it.
    """
    if snap is None:
        snap = store.user(db, caller.uid).get(transaction=tx)
    if snap.exists:
        return snap.to_dict()
    candidates = generated_handles(caller.uid)
    taken = {
        s.id: s.to_dict().get("uid")
        for s in db.get_all([store.handle(db, h) for h in candidates], transaction=tx)
        if s.exists
    }
    chosen = next(h for h in candidates if taken.get(h) in (None, caller.uid))
    return {
        "_new": True,
        "handle": chosen,
        "displayName": initial_display_name(caller, chosen),
        "bio": "",
        "threadCount": 0,
        "commentCount": 0,
        "role": role_of(caller),
    }


def write_profile(tx: firestore.Transaction, db: firestore.Client, caller: Caller,
                  profile: dict[str, Any], now: datetime, **increments: int) -> None:
    """Store a profile read_profile made up (with its handle claim), or bump counters of an existing one.

    Call it after the transaction's other reads. Counters go in the same write, never a second one.
    """
    if profile.pop("_new", False):
        for name, by in increments.items():
            profile[name] = profile.get(name, 0) + by
        profile["createdAt"] = now
        tx.create(store.user(db, caller.uid), profile)
        tx.set(store.handle(db, profile["handle"]), {"uid": caller.uid})
    elif increments:
        tx.update(store.user(db, caller.uid), {k: firestore.Increment(v) for k, v in increments.items()})


def author_snapshot(uid: str, profile: dict[str, Any]) -> dict[str, Any]:
    return {"uid": uid, "handle": profile["handle"], "displayName": profile.get("displayName", profile["handle"])}


def get_me(db: firestore.Client, caller: Caller, now: datetime) -> dict[str, Any]:
    """The caller's profile, made on first use."""

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        profile = read_profile(tx, db, caller)
        write_profile(tx, db, caller, profile, now)
        return profile

    snap = store.user(db, caller.uid).get()
    profile = snap.to_dict() if snap.exists else store.run_transaction(db, fn)
    # The stored role catches up after this request (http.sync_caller_role); answer the claim's now.
    return serialize.profile(caller.uid, {**profile, "role": role_of(caller)})


def put_me(db: firestore.Client, caller: Caller, data: Any, now: datetime) -> dict[str, Any]:
    """Create or update the caller's profile; a handle someone else holds is a 409."""
    data = validation.json_object(data)
    validation.only_fields(data, PROFILE_FIELDS)
    changes: dict[str, Any] = {}
    if "handle" in data:
        changes["handle"] = validation.handle(data["handle"])
    if "displayName" in data:
        changes["displayName"] = validation.display_name(data["displayName"])
    if "bio" in data:
        changes["bio"] = validation.bio(data["bio"])

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        profile = read_profile(tx, db, caller)
        new_handle = changes.get("handle", profile["handle"])
        if new_handle != profile["handle"] or profile.get("_new"):
            holder = store.handle(db, new_handle).get(transaction=tx)
            if holder.exists and holder.to_dict().get("uid") != caller.uid:
                raise Conflict(f"the handle '{new_handle}' is taken", field="handle")
        is_new = profile.pop("_new", False)
        old_handle = profile["handle"]
        profile.update(changes)
        if is_new:
            profile["createdAt"] = now
            tx.create(store.user(db, caller.uid), profile)
        elif changes:
            tx.update(store.user(db, caller.uid), changes)
        if new_handle != old_handle and not is_new:
            tx.delete(store.handle(db, old_handle))
        tx.set(store.handle(db, new_handle), {"uid": caller.uid})
        return profile

    return serialize.profile(caller.uid, store.run_transaction(db, fn))


def uid_for_handle(db: firestore.Client, handle: str) -> tuple[str, dict[str, Any]]:
    """(uid, profile) of the user with this handle, in one query; NotFound if none."""
    if not validation.is_handle(handle):
        raise NotFound("user not found")
    for snap in store.users(db).where(filter=firestore.FieldFilter("handle", "==", handle)).limit(1).stream():
        return snap.id, snap.to_dict()
    raise NotFound("user not found")


def get_user(db: firestore.Client, handle: str) -> dict[str, Any]:
    uid, profile = uid_for_handle(db, handle)
    return serialize.profile(uid, profile)
