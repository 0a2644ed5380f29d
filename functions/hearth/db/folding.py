"""When counters are folded (counters.py says how): inline while an owner's bucket has a token, else by
a `background` Cloud Task for the end of the current second, and by the sweep for what is left over."""

from __future__ import annotations

import hashlib
import random
import threading
import time
import traceback
from datetime import datetime, timezone
from typing import Callable

from firebase_functions import logger
from google.cloud import firestore

from .. import tasks
from . import counters

MARGIN = 0.2  # seconds after a second's end that its fold task runs, so that second's bumps are in
TASK_ATTEMPTS = 8  # folds a task tries (waiting for a token, reading again) before it fails and is retried
SWEEP_LIMIT = 200  # pending shards one sweep reads
# A request folds inline while the owner's bucket holds a token, so a quiet owner's few quick writes
# (3: counters.BUCKET) all show at once. (2 would spare a hot owner the inline folds that requests in
# flight when a token comes back try and all but one fail, but then a third quick write lags.)
INLINE_TOKENS = 1.0

_scheduled: set[tuple[str, int]] = set()
_lock = threading.Lock()


def is_inbox(path: str) -> bool:
    """users/{uid}/private/inbox: the one owner a fold may create (a user's first notification)."""
    parts = path.split("/")
    return len(parts) == 4 and parts[0] == "users" and parts[2:] == ["private", "inbox"]


def task_id(path: str, slot: int) -> str:
    """The fold task's name for an owner and a second: the same for every request that asks."""
    return f"fold-{hashlib.sha256(path.encode()).hexdigest()[:32]}-{slot}"


def asked(path: str, slot: int) -> bool:
    """Whether this instance asked for this owner's fold in this second already (that task folds it)."""
    with _lock:
        return (path, slot) in _scheduled


def first_ask(path: str, slot: int) -> bool:
    """Whether this instance has not asked for this owner's fold in this second yet (saves a call)."""
    with _lock:
        if (path, slot) in _scheduled:
            return False
        if len(_scheduled) > 10_000:
            _scheduled.difference_update({key for key in _scheduled if key[1] < slot - 2})
        _scheduled.add((path, slot))
        return True


def schedule(path: str, now: datetime, enqueue: Callable[..., bool] = tasks.enqueue) -> None:
    """Have the owner at path folded just after the current second ends (one task per owner and second)."""
    slot = int(now.timestamp())
    if not first_ask(path, slot):
        return
    due = slot + 1 + MARGIN
    enqueue({"fold": path, "due": due}, task_id(path, slot), datetime.fromtimestamp(due, timezone.utc))


def settle(
    db: firestore.Client,
    owner: firestore.DocumentReference,
    now: datetime,
    snap: firestore.DocumentSnapshot | None = None,
    schedule_fold: Callable[[str, datetime], None] = schedule,
) -> counters.Fold:
    """After a commit that bumped owner's shards: fold now if its bucket allows, else schedule a fold."""
    if snap is not None and snap.exists and counters.tokens(snap.to_dict() or {}, now) < INLINE_TOKENS:
        schedule_fold(owner.path, now)  # hot: no read spent here (its fold task does the work)
        return counters.Fold.TOO_SOON
    if snap is None and asked(owner.path, int(now.timestamp())):
        return counters.Fold.TOO_SOON  # hot, and its fold this second is asked for: no read spent either
    try:
        result = counters.fold(db, owner, now, snap, create=is_inbox(owner.path))
    except Exception:  # noqa: BLE001 - the write that bumped is committed: never fail it for its fold
        logger.warn(f"inline fold of {owner.path} failed; scheduled\n{traceback.format_exc()}", owner=owner.path)
        result = counters.Result(counters.Fold.CONTENDED)
    if result.outcome in (counters.Fold.TOO_SOON, counters.Fold.CONTENDED):
        schedule_fold(owner.path, now)
    return result.outcome


def run_task(
    db: firestore.Client,
    path: str,
    due: float,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
) -> counters.Fold:
    """The fold task: from its due time (the emulator does not hold tasks until then), fold once the
    bucket has a token; raise when it cannot, so Cloud Tasks retries it."""
    wait = due - clock().timestamp()
    if wait > 0:
        sleep(min(wait, 2.0))
    owner = db.document(path)
    for _ in range(TASK_ATTEMPTS):
        result = counters.fold(db, owner, clock(), create=is_inbox(path))
        if result.outcome == counters.Fold.TOO_SOON:
            sleep(min(result.wait, 1.5) + 0.01)
        elif result.outcome == counters.Fold.CONTENDED:
            sleep(random.uniform(0, 0.1))
        else:
            return result.outcome
    raise RuntimeError(f"could not fold {path} in {TASK_ATTEMPTS} attempts")


def sweep(db: firestore.Client, clock: Callable[[], datetime], limit: int = SWEEP_LIMIT) -> int:
    """Fold every owner with pending shards (up to limit shards' worth); the owners folded."""
    query = db.collection_group("shards").where(filter=firestore.FieldFilter(counters.PENDING, ">", 0)).limit(limit)
    owners = {snap.reference.parent.parent.path for snap in query.stream() if snap.reference.parent.parent}
    folded = 0
    for path in sorted(owners):
        result = counters.fold(db, db.document(path), clock(), create=is_inbox(path))
        if result.outcome == counters.Fold.FOLDED:
            folded += 1
        elif result.outcome in (counters.Fold.TOO_SOON, counters.Fold.CONTENDED):
            schedule(path, clock())
    return folded
