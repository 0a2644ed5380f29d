"""Suspensions: a moderator stops a user's writes, with a reason, until a time; it ends by itself.

The suspension lives in the user's private standing document (`users/{uid}/private/standing`),
which only they and moderators may read (firestore.rules), never on the public profile: nothing of
it, its reason least of all, is public, and an expired one leaves no trace there. Every write
checks it against the injected clock before doing anything else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.cloud import firestore

from ..auth import Caller
from ..db import store
from ..errors import Forbidden, Invalid, NotFound
from ..forum import serialize, users
from . import guard
from .hiding import BY_MODERATORS, BY_REPORTS, actor_handle, log_entry, notice, write_log

REASON_MAX = 500


def suspension_until(raw: Any, now: datetime) -> datetime:
    """A suspension's end: an RFC 3339 time with an offset, after now; Invalid otherwise."""
    try:
        until = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        until = None
    if until is None or until.tzinfo is None:
        raise Invalid("until must be an RFC 3339 time with a time zone, like 2030-01-01T00:00:00Z", field="until")
    if until <= now:
        raise Invalid("until must be in the future", field="until")
    return until


def require_moderator(caller: Caller) -> None:
    if not caller.is_moderator:
        raise Forbidden("only a moderator may suspend users or lift a suspension")


def set_suspension(
    db: firestore.Client, caller: Caller, handle: str, suspend: tuple[str, datetime] | None, now: datetime
) -> dict[str, Any]:
    """Suspend the user with this handle (suspend: (reason, until)), or lift their suspension (None).

    Logged in the same transaction. Answers their public profile.
    """
    require_moderator(caller)
    parsed = suspend
    uid, _ = users.uid_for_handle(db, handle)
    if uid == caller.uid:
        raise Forbidden("moderators cannot suspend themselves")
    guard.check(db, caller, now)
    ref, actor_ref, standing_ref = store.user(db, uid), store.user(db, caller.uid), store.standing(db, uid)

    def fn(tx: firestore.Transaction) -> tuple[dict[str, Any], dict[str, Any]]:
        got = store.read_all(tx, db, [ref, actor_ref, standing_ref])
        if not got[ref.path].exists:
            raise NotFound("user not found")
        profile, standing = got[ref.path].to_dict(), got[standing_ref.path].to_dict() or {}
        mod_handle = actor_handle(tx, db, caller, got[actor_ref.path], now)
        target = {"kind": "user", "uid": uid, "handle": profile.get("handle")}
        if parsed is None:
            if "suspension" not in standing:
                return profile, standing  # nothing to lift
            tx.update(standing_ref, {"suspension": firestore.DELETE_FIELD})
            write_log(tx, db, log_entry(caller, mod_handle, "unsuspend", target, None, now))
            if serialize.suspension(standing, now):  # lifted before its end: tell the member they may post again
                notice(
                    tx,
                    db,
                    uid,
                    f"moderation/unsuspension/{uid}/{now.isoformat()}",
                    by=BY_MODERATORS,
                    text="lifted your suspension: you can post, comment and react again",
                )
            return profile, {k: v for k, v in standing.items() if k != "suspension"}
        reason, until = parsed
        # Who suspended them is in the log (moderators only), never in the standing the user reads.
        suspension = {"reason": reason, "until": until, "at": now}
        tx.set(standing_ref, {"suspension": suspension}, merge=True)
        write_log(tx, db, log_entry(caller, mod_handle, "suspend", target, reason, now, until=until))
        notice(
            tx,
            db,
            uid,
            f"moderation/suspension/{uid}/{now.isoformat()}",
            by=BY_MODERATORS,
            text=f"suspended your account until {serialize.rfc3339(until)}: {reason}",
        )
        return profile, {**standing, "suspension": suspension}

    profile, standing = store.run_transaction(db, fn)
    return serialize.profile(uid, profile, now, standing)  # a moderator's answer: the standing included


def end(db: firestore.Client, uid: str, now: datetime) -> None:
    """A suspension that ran out: take it off the member's standing and tell them, once, in one transaction.

    Nothing runs at the moment a suspension ends, so this runs on the member's next GET /api/me (the
    web UI asks on every visit): the standing then still holds the suspension, over.
    """
    ref = store.standing(db, uid)

    def fn(tx: firestore.Transaction) -> None:
        snap = ref.get(transaction=tx)
        standing = (snap.to_dict() or {}) if snap.exists else {}
        held = standing.get("suspension")
        if not held or serialize.suspension(standing, now):
            return  # ended already by another request, or suspended again since
        tx.update(ref, {"suspension": firestore.DELETE_FIELD})
        until = held.get("until")
        notice(
            tx,
            db,
            uid,
            f"moderation/suspension-ended/{uid}/{until.isoformat() if until else ''}",
            by=BY_REPORTS,  # named "Hearth": the forum itself, not a moderator
            text="says your suspension is over: you can post, comment and react again",
        )

    store.run_transaction(db, fn)
