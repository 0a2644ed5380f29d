"""Profiles: public users/{uid} documents, unique handles, and profiles made on first use."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from google.cloud import firestore

from . import guard, inbox, serialize, store, validation
from .auth import Caller
from .errors import Conflict, NotFound

PROFILE_FIELDS = ("handle", "displayName", "bio")


def generated_handles(uid: str) -> list[str]:
    """Handle candidates for a new user, shortest first; derived from the uid, never from the email."""
    base = re.sub(r"[^a-z0-9]", "", uid.lower()) or "member"
    return [f"user_{base[:n]}"[:30] for n in (8, 12, 25)]


def read_profile(tx: firestore.Transaction | None, db: firestore.Client, caller: Caller,
                 snap: firestore.DocumentSnapshot | None = None) -> dict[str, Any]:
    """The caller's profile (snap, when already read); a missing one comes back marked `_new`.

    A new profile gets a free generated handle. Reads happen in tx, or plainly when tx is None
    (for a commit that write_profile's creates then guard). Call write_profile(tx or batch, ...)
    after the other reads to store it.
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
        "_claim": chosen not in taken,  # the handle document is still to be made
        "handle": chosen,
        "displayName": (caller.name or chosen)[: validation.DISPLAY_NAME_MAX],
        "bio": "",
        "threadCount": 0,
        "commentCount": 0,
        "role": "moderator" if caller.is_moderator else "member",
    }


def write_profile(tx: firestore.Transaction | firestore.WriteBatch, db: firestore.Client, caller: Caller,
                  profile: dict[str, Any], now: datetime, **increments: int) -> None:
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
    elif increments:
        tx.update(store.user(db, caller.uid), {k: firestore.Increment(v) for k, v in increments.items()})


def author_snapshot(uid: str, profile: dict[str, Any]) -> dict[str, Any]:
    return {"uid": uid, "handle": profile["handle"], "displayName": profile.get("displayName", profile["handle"])}


def get_me(db: firestore.Client, caller: Caller, now: datetime) -> dict[str, Any]:
    """The caller's profile (made on first use) and their unread notification count."""

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        profile = read_profile(tx, db, caller)
        write_profile(tx, db, caller, profile, now)
        return profile

    user_ref, inbox_ref = store.user(db, caller.uid), store.inbox(db, caller.uid)
    got = store.read_all(None, db, [user_ref, inbox_ref])  # the profile and the unread count, one round trip
    snap = got[user_ref.path]
    profile = snap.to_dict() if snap.exists else store.run_transaction(db, fn)
    # The caller's own role follows their token's claim (the stored badge is set when the profile
    # is made), so the web UI offers moderator tools to a member made moderator later.
    return {**serialize.profile(caller.uid, profile, now), "role": "moderator" if caller.is_moderator else "member",
            "unreadNotifications": inbox.unread(got[inbox_ref.path])}


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
        guard.refuse_if_suspended(profile, now)
        new_handle = changes.get("handle", profile["handle"])
        if new_handle != profile["handle"] or profile.get("_new"):
            holder = store.handle(db, new_handle).get(transaction=tx)
            if holder.exists and holder.to_dict().get("uid") != caller.uid:
                raise Conflict(f"the handle '{new_handle}' is taken", field="handle")
        is_new = profile.pop("_new", False)
        profile.pop("_claim", None)  # this transaction read the handle it sets
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

    return serialize.profile(caller.uid, store.run_transaction(db, fn), now)


def uid_for_handle(db: firestore.Client, handle: str) -> tuple[str, dict[str, Any]]:
    """(uid, profile) of the user with this handle, in one query; NotFound if none."""
    if not validation.HANDLE_RE.fullmatch(handle):
        raise NotFound("user not found")
    for snap in store.users(db).where(filter=firestore.FieldFilter("handle", "==", handle)).limit(1).stream():
        return snap.id, snap.to_dict()
    raise NotFound("user not found")


def get_user(db: firestore.Client, handle: str, now: datetime) -> dict[str, Any]:
    uid, profile = uid_for_handle(db, handle)
    return serialize.profile(uid, profile, now)
