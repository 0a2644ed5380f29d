"""A member's notification settings and blocked members, kept in one private document.

users/{uid}/private/preferences holds `notify` ({kind: false} for each kind turned off; every kind
is on until then) and `blocked` ({uid: {handle, at}}, at most MAX_BLOCKS). One document, so the
fan-out learns both about a recipient in one read, batched with the recipient's mute
(fanout.deliver). Only its owner writes it, through the API, so its ~1 write/s is never shared.
Neither changes what anyone else sees: a block hides the blocked member's posts from the blocker
(the web UI collapses them) and keeps them from notifying the blocker, nothing more.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from google.cloud import firestore
from google.cloud.firestore_v1.field_path import FieldPath

from ..auth import Caller
from ..db import store
from ..errors import Conflict, Forbidden, NotFound
from ..forum import serialize, users
from .kinds import OPTIONAL_KINDS, NotificationKind

MAX_BLOCKS = 100


def notify_settings(data: Mapping[str, Any] | None) -> dict[str, bool]:
    """Which kinds notify this member (each on unless turned off)."""
    notify = (data or {}).get("notify") or {}
    return {str(kind): notify.get(str(kind)) is not False for kind in OPTIONAL_KINDS}


def blocked(data: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    """uid -> {handle, at} of the members this one blocked."""
    return dict((data or {}).get("blocked") or {})


def wants(data: Mapping[str, Any] | None, kind: str, actor_uid: str | None) -> bool:
    """Whether a member with these preferences hears about a post by actor_uid, as kind.

    Moderation notices always do (they name a role, never a blocked member)."""
    if kind == NotificationKind.MODERATION:
        return True
    if actor_uid and actor_uid in blocked(data):
        return False
    return notify_settings(data).get(kind, True)


def _read(db: firestore.Client, uid: str, tx: firestore.Transaction | None = None) -> dict[str, Any]:
    snap = store.preferences(db, uid).get(transaction=tx)
    return (snap.to_dict() or {}) if snap.exists else {}


def get_settings(db: firestore.Client, caller: Caller) -> dict[str, Any]:
    return {"notify": notify_settings(_read(db, caller.uid))}


def put_settings(db: firestore.Client, caller: Caller, notify: Mapping[str, bool]) -> dict[str, Any]:
    """Turn kinds on or off (the others stay as they are); the settings after. One read, one write."""
    ref = store.preferences(db, caller.uid)

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        current = _read(db, caller.uid, tx)
        merged = {**notify_settings(current), **{str(k): bool(v) for k, v in notify.items()}}
        tx.set(ref, {"notify": merged}, merge=True)
        return {"notify": merged}

    return store.run_transaction(db, fn)


def _entry(uid: str, data: Mapping[str, Any]) -> dict[str, Any]:
    return {"uid": uid, "handle": data.get("handle"), "blockedAt": serialize.rfc3339(data.get("at"))}


def list_blocks(db: firestore.Client, caller: Caller) -> dict[str, Any]:
    """The members the caller blocked, newest first, with the handle each had when blocked: one read."""
    entries = [_entry(uid, data) for uid, data in blocked(_read(db, caller.uid)).items()]
    entries.sort(key=lambda e: e["blockedAt"] or "", reverse=True)
    return {"items": entries, "max": MAX_BLOCKS}


def block(db: firestore.Client, caller: Caller, handle: str, now: datetime) -> dict[str, Any]:
    """Block the member with this handle (idempotent); at most MAX_BLOCKS. One query, one transaction."""
    uid, profile = users.uid_for_handle(db, handle)
    if uid == caller.uid:
        raise Forbidden("you cannot block yourself")
    ref = store.preferences(db, caller.uid)

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        current = blocked(_read(db, caller.uid, tx))
        if uid in current:
            return _entry(uid, current[uid])
        if len(current) >= MAX_BLOCKS:
            raise Conflict(f"you have blocked {MAX_BLOCKS} members, the most Hearth keeps: unblock someone first")
        entry = {"handle": profile.get("handle", handle), "at": now}
        # A nested field path: only this member's entry is written, the others stay.
        tx.set(ref, {"blocked": {uid: entry}}, merge=True)
        return _entry(uid, entry)

    return {**store.run_transaction(db, fn), "blocked": True}


def unblock(db: firestore.Client, caller: Caller, handle: str) -> dict[str, Any]:
    """Unblock by handle: the member's handle now, or the one they had when blocked (idempotent)."""
    ref = store.preferences(db, caller.uid)
    current = blocked(_read(db, caller.uid))
    uid = next((u for u, data in current.items() if data.get("handle") == handle), None)
    if uid is None:
        try:
            uid, _ = users.uid_for_handle(db, handle)
        except NotFound:
            return {"uid": None, "handle": handle, "blockedAt": None, "blocked": False}
    if uid in current:
        ref.update({FieldPath("blocked", uid).to_api_repr(): firestore.DELETE_FIELD})
    return {"uid": uid, "handle": handle, "blockedAt": None, "blocked": False}
