"""When counters are folded (counters.py says how): inline while an owner's bucket has a token, else by
a `background` Cloud Task for the end of the owner's current refill period, and by the sweep for what
is left over.

Periods are counters.REFILL_SECONDS long, so an owner takes at most one fold task per period and
each finds a token (the previous one took the last at least a period before): a burst never piles
fold tasks up waiting for tokens. A task that still finds none (an inline fold took it) hands the
owner to the next period's task rather than waiting, so a task runs at most about a period."""

from __future__ import annotations

import hashlib
import random
import threading
import time
import traceback
from datetime import datetime, timedelta, timezone
from typing import Callable

from firebase_functions import logger
from google.cloud import firestore

from .. import tasks
from . import counters, store

# Seconds after a period's end that its fold task runs: the clocks of instances and of Firestore's
# commits may differ by this much. Small, because on the emulators, whose Cloud Tasks dispatch a
# task at once, a period's task still waits out its margin while the next period's has begun:
# each second of it is a second two tasks of one owner hold a worker each.
MARGIN = 0.05
TASK_ATTEMPTS = 4  # folds a task tries (the owner changed meanwhile) before it hands over to the next period
SHORT_WAIT = 0.3  # a task waits this long at most for a token; longer, and the next period's task folds
SWEEP_LIMIT = 200  # shards one sweep reads
# A sweep that read every shard bumped since its mark moves the mark to Firestore's time before its
# query (the mark's read time) less this, for commits still in flight then.
SWEEP_MARGIN = timedelta(seconds=10)

_scheduled: set[tuple[str, int]] = set()
_lock = threading.Lock()


def task_id(path: str, slot: int) -> str:
    """The fold task's name for an owner and a period: the same for every request that asks."""
    return f"fold-{hashlib.sha256(path.encode()).hexdigest()[:32]}-{slot}"


def period(now: datetime) -> int:
    """The refill period now falls in (counters.REFILL_SECONDS long, counted from the epoch)."""
    return int(now.timestamp() // counters.REFILL_SECONDS)


def asked(path: str, slot: int) -> bool:
    """Whether this instance asked for this owner's fold in this period already (that task folds it)."""
    with _lock:
        return (path, slot) in _scheduled


def first_ask(path: str, slot: int) -> bool:
    """Whether this instance has not asked for this owner's fold in this period yet (saves a call)."""
    with _lock:
        if (path, slot) in _scheduled:
            return False
        if len(_scheduled) > 10_000:
            _scheduled.difference_update({key for key in _scheduled if key[1] < slot - 2})
        _scheduled.add((path, slot))
        return True


def task_period(due: float) -> int | None:
    """The period a fold task (schedule's) folds at the end of, from its due time; None for no due time."""
    return round((due - MARGIN) / counters.REFILL_SECONDS) - 1 if due > 0 else None


def schedule(path: str, now: datetime, enqueue: Callable[..., bool] = tasks.enqueue) -> bool:
    """Have the owner at path folded just after the current period ends (one task per owner and
    period); whether it is asked for (now, or before by this instance)."""
    slot = period(now)
    if not first_ask(path, slot):
        return True
    due = (slot + 1) * counters.REFILL_SECONDS + MARGIN
    return enqueue({"fold": path, "due": due}, task_id(path, slot), datetime.fromtimestamp(due, timezone.utc))


def settle(
    db: firestore.Client,
    owner: firestore.DocumentReference,
    now: datetime,
    snap: firestore.DocumentSnapshot | None = None,
    schedule_fold: Callable[[str, datetime], object] = schedule,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> counters.Fold:
    """After a commit that bumped owner's shards: fold now if its bucket allows, else schedule a fold.

    now: the request's time (its token count); a fold is asked for the period the commit is in, as
    of clock() after it (a request that began in an earlier period would ask for a task that may
    have run before its commit)."""
    known = counters.state(snap) if snap is not None and snap.exists else None
    if known is not None and counters.tokens(known, now) < counters.needed(known, inline=True):
        # Hot: no read spent here. Its fold task folds this write, and is asked for unless the
        # owner's last fold asked for the task of this commit's period, or of the one before: that
        # task runs after this period began, and folds this write or asks for this period's task
        # whatever its fold finds (run_task).
        after = clock()
        following = known.get(counters.NEXT)
        if not isinstance(following, int) or following < period(after) - 1:
            schedule_fold(owner.path, after)
        return counters.Fold.TOO_SOON
    if snap is None and asked(owner.path, period(clock())):
        return counters.Fold.TOO_SOON  # hot, and its fold this second is asked for: no read spent either
    try:
        result = counters.fold(db, owner, now, snap, inline=True)
    except Exception:  # noqa: BLE001 - the write that bumped is committed: never fail it for its fold
        logger.warn(f"inline fold of {owner.path} failed; scheduled\n{traceback.format_exc()}", owner=owner.path)
        result = counters.Result(counters.Fold.CONTENDED)
    if result.outcome in (counters.Fold.TOO_SOON, counters.Fold.CONTENDED):
        schedule_fold(owner.path, clock())
    return result.outcome


def run_task(
    db: firestore.Client,
    path: str,
    due: float,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
    schedule_fold: Callable[[str, datetime], object] = schedule,
) -> counters.Fold:
    """The fold task: from its due time (the emulator does not hold tasks until then), fold the owner;
    without a token soon, hand it to the next period's task instead of waiting.

    A fold that moves something asks for the fold of the period it runs in (the owner is hot) and
    records it on the owner, so that while the owner stays hot its tasks follow one another and
    its requests ask for none. A task asked for so whose fold finds nothing asks for one more
    period's fold (unrecorded): a request that read the owner before it asked for none (settle),
    and may have committed after it. The next fold that finds nothing ends the chain."""
    slot = task_period(due)
    wait = due - clock().timestamp()
    if wait > 0:
        sleep(min(wait, counters.REFILL_SECONDS + MARGIN))
    owner = db.document(path)

    def chain() -> int | None:
        at = clock()
        return period(at) if schedule_fold(path, at) else None

    for _ in range(TASK_ATTEMPTS):
        result = counters.fold(db, owner, clock(), chain=chain)
        if result.outcome == counters.Fold.TOO_SOON and result.wait <= SHORT_WAIT:
            sleep(result.wait + 0.01)
        elif result.outcome == counters.Fold.CONTENDED:
            sleep(random.uniform(0, 0.1))
        elif result.outcome == counters.Fold.TOO_SOON:
            break
        else:
            if result.outcome == counters.Fold.NOTHING and slot is not None and result.asked == slot:
                schedule_fold(path, clock())
            return result.outcome
    schedule_fold(path, clock())
    return counters.Fold.TOO_SOON


def sweep(db: firestore.Client, clock: Callable[[], datetime], limit: int = SWEEP_LIMIT) -> int:
    """Fold every owner whose shards were bumped since the last sweep (up to limit shards); the owners folded.

    Its mark (store.fold_sweep) says up to when every bumped owner was folded; an owner a sweep could
    not fold (no token, contended, an error) holds the mark before its shards, so the next sweep
    comes back to it whatever became of the fold task it was handed to."""
    mark_ref = store.fold_sweep(db)
    mark = mark_ref.get()
    since = mark.get("through") if mark.exists else datetime.fromtimestamp(0, timezone.utc)
    query = (
        db.collection_group("shards")
        .where(filter=firestore.FieldFilter(counters.LAST_AT, ">", since))
        .order_by(counters.LAST_AT)
        .limit(limit)
    )
    found = [s for s in query.stream() if s.reference.parent.parent is not None]
    earliest: dict[str, datetime] = {}
    for snap in found:
        owner_path = snap.reference.parent.parent.path
        earliest.setdefault(owner_path, snap.get(counters.LAST_AT))
    folded, held = 0, []
    for path in earliest:
        try:
            result = counters.fold(db, db.document(path), clock()).outcome
        except Exception:  # noqa: BLE001 - the next sweep comes back to it
            logger.warn(f"sweep: folding {path} failed\n{traceback.format_exc()}", owner=path)
            result = counters.Fold.CONTENDED
        if result == counters.Fold.FOLDED:
            folded += 1
        elif result in (counters.Fold.TOO_SOON, counters.Fold.CONTENDED):
            schedule(path, clock())
            held.append(earliest[path])
    through = (
        found[-1].get(counters.LAST_AT) - timedelta(microseconds=1)
        if len(found) == limit
        else max(since, mark.read_time - SWEEP_MARGIN)
    )
    if held:
        through = min(through, min(held) - timedelta(microseconds=1))
    if through > since:
        mark_ref.set({"through": through})
    return folded
