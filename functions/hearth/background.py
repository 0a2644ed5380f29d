"""Durable background work: an outbox document per piece of work, written in the same commit as the
write that causes it, and run until it is done.

`outbox/{id}` is created (create-only, so its id, derived from the cause, makes it once) beside a
new comment (its notifications), a new thread (its mentions), an edit that mentions someone new,
and a report (auto-hide). The trigger on its creation (main.on_outbox_created, the one Firestore
trigger: counter moves and folds invoke nothing) runs it at once; a run that fails hands the item to
the `background` Cloud Tasks queue (retried with backoff until it succeeds), and the scheduled
sweep (main.sweep, every minute) runs whatever is older than a minute and still not done, as well
as folds left pending. Running an item is idempotent (notifications are created under ids derived
from the post and the recipient, auto-hide is a transaction that hides once) and ends by marking
it done. HEARTH_FAULTS=background:0.3 (faults.py) makes 30% of runs raise before they write.
"""

from __future__ import annotations

import hashlib
import traceback
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from firebase_functions import logger
from google.cloud import firestore

from . import faults, tasks
from .db import folding
from .deps import Config
from .moderation import reports
from .notifications import fanout

COMMENT, THREAD, MENTIONS, REPORT = "comment", "thread", "mentions", "report"
KINDS = (COMMENT, THREAD, MENTIONS, REPORT)
RETRY_AFTER = timedelta(minutes=1)  # the sweep runs what is older than this and not done
SWEEP_LIMIT = 100


def outbox(db: firestore.Client) -> firestore.CollectionReference:
    """outbox/{id}: background work to do; only the function reads or writes it."""
    return db.collection("outbox")


def add(writer: Any, db: firestore.Client, item_id: str, kind: str, **fields: Any) -> None:
    """Create the outbox item in writer (the batch or transaction of the write that causes it)."""
    assert kind in KINDS
    writer.create(
        outbox(db).document(item_id),
        {"kind": kind, **fields, "createdAt": firestore.SERVER_TIMESTAMP, "done": False},
    )


def comment_id(tid: str, cid: str) -> str:
    return f"{COMMENT}~{tid}~{cid}"


def thread_id(tid: str) -> str:
    return f"{THREAD}~{tid}"


def mentions_id(path: str, added: list[str], now: datetime) -> str:
    """An edit's mentions item: the post, the edit's time and whom it adds."""
    digest = hashlib.sha256("\n".join([path, now.isoformat(), *sorted(added)]).encode()).hexdigest()[:32]
    return f"{MENTIONS}~{digest}"


def report_id(rid: str) -> str:
    return f"{REPORT}~{rid}"


DONE = {"done": True, "doneAt": firestore.SERVER_TIMESTAMP}


def process(db: firestore.Client, item_id: str, item: Mapping[str, Any], now: datetime, config: Config) -> None:
    """Do one outbox item's work and mark it done; safe to run any number of times.

    A fan-out marks it done in its last commit when it can (fanout.Closing); otherwise here."""
    faults.maybe_fail("background")  # before any write
    ref = outbox(db).document(item_id)
    # A merge-set, not an update: a missing item must not fail the notification it rides with.
    closing = fanout.Closing(lambda batch: batch.set(ref, DONE, merge=True))
    kind, tid = item.get("kind"), item.get("threadId", "")
    if kind == COMMENT:
        fanout.comment_created(db, tid, item["commentId"], closing, replied=item.get("repliedToId"))
    elif kind == THREAD:
        fanout.thread_created(db, tid, closing)
    elif kind == MENTIONS:
        fanout.mentions_added(db, tid, item.get("commentId"), list(item.get("mentions") or []), closing)
    elif kind == REPORT:
        reports.on_report_created(db, item["reportId"], {"target": item["target"]}, item_id, now, config)
    else:
        logger.error(f"outbox item {item_id} has an unknown kind {kind!r}", item=item_id)
    if not closing.committed:
        ref.update(DONE)


def retry_task_id(item_id: str) -> str:
    return f"outbox-{hashlib.sha256(item_id.encode()).hexdigest()[:40]}"


def first_run(
    db: firestore.Client,
    item_id: str,
    item: Mapping[str, Any],
    now: datetime,
    config: Config,
    enqueue: Callable[..., bool] = tasks.enqueue,
) -> bool:
    """The trigger's run of a new item; a failure is logged and the item queued for retries. Whether it ran."""
    try:
        process(db, item_id, item, now, config)
        return True
    except Exception:  # noqa: BLE001 - whatever failed, the retry queue runs the item again
        logger.warn(f"outbox item {item_id} failed; queued for a retry\n{traceback.format_exc()}", item=item_id)
        enqueue({"outbox": item_id}, retry_task_id(item_id))
        return False


def run_task(db: firestore.Client, data: Mapping[str, Any], clock: Callable[[], datetime], config: Config) -> None:
    """The `background` task: retry an outbox item, or fold an owner's counters. Raises to be retried."""
    if "fold" in data:
        faults.maybe_fail("background")
        folding.run_task(db, str(data["fold"]), float(data.get("due") or 0), clock)
        return
    item_id = str(data.get("outbox") or "")
    snap = outbox(db).document(item_id).get() if item_id else None
    if snap is None or not snap.exists or snap.get("done"):
        return  # done by an earlier run (or nothing to do)
    process(db, item_id, snap.to_dict() or {}, clock(), config)


def sweep(db: firestore.Client, now: datetime, config: Config, limit: int = SWEEP_LIMIT) -> dict[str, int]:
    """Run every item older than RETRY_AFTER and not done (up to limit), and fold pending counters.

    A failing item is logged and left for the next sweep. What it did: {"ran", "failed", "folded"}."""
    query = (
        outbox(db)
        .where(filter=firestore.FieldFilter("done", "==", False))
        .where(filter=firestore.FieldFilter("createdAt", "<", now - RETRY_AFTER))
        .order_by("createdAt")
        .limit(limit)
    )
    ran = failed = 0
    for snap in query.stream():
        try:
            process(db, snap.id, snap.to_dict() or {}, now, config)
            ran += 1
        except Exception:  # noqa: BLE001 - whatever failed, the next sweep runs the item again
            failed += 1
            logger.warn(f"sweep: outbox item {snap.id} failed\n{traceback.format_exc()}", item=snap.id)
    folded = 0
    try:
        faults.maybe_fail("background")
        folded = folding.sweep(db, lambda: now)
    except Exception:  # noqa: BLE001 - whatever failed, the next sweep folds again
        logger.warn(f"sweep: folding failed\n{traceback.format_exc()}")
    return {"ran": ran, "failed": failed, "folded": folded}
