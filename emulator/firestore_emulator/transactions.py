"""Transactions and pessimistic locking, as production Firestore does it for server SDKs.

- A read in a read-write transaction takes a SHARED lock on each document it returns; locks
  are held until the transaction commits, rolls back, is aborted or expires.
- A commit needs EXCLUSIVE access to every document it writes. Since all mutation happens
  synchronously on the one event loop, the exclusive lock is only ever held for the instant
  of the commit itself: a committer waits until no *other* transaction holds a shared lock on
  what it writes, then applies everything at once.
- Conflicts use wound-wait on transaction age (begin time; a retry keeps the age of the
  transaction it retries): an older committer wounds (aborts) younger holders, a younger one
  waits for older ones, up to a deadline, then gets ABORTED. Non-transactional writes are the
  youngest requester: they wait for every holder.
- Idle transactions expire after 60 s, any transaction after 270 s; both release their locks.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import time
from typing import Iterable, Optional

from .errors import Aborted, InvalidArgument

IDLE_TIMEOUT = 60.0
# A read in a read-write transaction queues (at most this long) behind older read-write
# transactions that hold or await a lock on the same document: an update-intent heuristic.
# Two transactions that both read then write one document would otherwise both hold shared
# locks, and the older one's commit would have to abort the younger (upgrade deadlock).
READ_QUEUE_GRACE = 1.0
MAX_LIFETIME = 270.0
CONTENTION_MESSAGE = (
    "Aborted due to cross-transaction contention. This occurs when multiple transactions "
    "attempt to access the same data, requiring Firestore to abort at least one in order to "
    "enforce serializability.")
EXPIRED_MESSAGE = "The referenced transaction has expired or is no longer valid."

_ACTIVE, _ABORTED, _DONE, _EXPIRED = "active", "aborted", "done", "expired"


class Txn:
    __slots__ = ("id", "db_key", "read_only", "read_time", "age", "locks", "state", "reason",
                 "started", "last_used", "waiters", "waiting")

    def __init__(self, tid: bytes, db_key, read_only: bool, read_time: Optional[int], age: tuple) -> None:
        self.id = tid
        self.db_key = db_key
        self.read_only = read_only
        self.read_time = read_time
        self.age = age  # smaller = older
        self.locks: set[str] = set()
        self.state = _ACTIVE
        self.reason = ""
        self.started = self.last_used = time.monotonic()
        self.waiters: list[asyncio.Future] = []  # woken when this transaction ends
        self.waiting: Optional[asyncio.Future] = None  # set while this transaction waits for a lock


class TransactionManager:
    def __init__(self, lock_timeout: float = 20.0) -> None:
        self.lock_timeout = lock_timeout
        self.txns: dict[bytes, Txn] = {}
        self.holders: dict[str, set[Txn]] = {}  # document name -> transactions holding a shared lock
        self.queued: dict[str, set[Txn]] = {}  # document name -> readers queued for it
        self._wakeups: list[asyncio.Future] = []  # queued readers, woken on any lock change
        self._seq = itertools.count()
        self._prefix = os.urandom(4)

    # ------------------------------------------------------------------ lifecycle
    def begin(self, db_key, read_only: bool, read_time: Optional[int] = None,
              retry: Optional[bytes] = None) -> Txn:
        seq = next(self._seq)
        age = (time.monotonic(), seq)
        if retry:
            old = self.txns.get(retry)
            if old is not None and old.db_key == db_key:
                age = old.age  # a retry keeps its place in line
                if old.state == _ACTIVE:
                    self._finish(old, _DONE)
        tid = self._prefix + seq.to_bytes(8, "big")
        txn = Txn(tid, db_key, read_only, read_time, age)
        self.txns[tid] = txn
        return txn

    def lookup(self, tid: bytes, db_key) -> Txn:
        """The active transaction tid in database db_key, or the error production gives."""
        txn = self.txns.get(tid)
        if txn is None or txn.db_key != db_key:
            raise InvalidArgument(EXPIRED_MESSAGE)
        if txn.state == _ACTIVE:
            now = time.monotonic()
            if now - txn.last_used > IDLE_TIMEOUT or now - txn.started > MAX_LIFETIME:
                self._finish(txn, _EXPIRED)
            else:
                txn.last_used = now
                return txn
        if txn.state == _ABORTED:
            raise Aborted(txn.reason or CONTENTION_MESSAGE)
        raise InvalidArgument(EXPIRED_MESSAGE)

    def rollback(self, tid: bytes, db_key) -> None:
        txn = self.txns.get(tid)
        if txn is None or txn.db_key != db_key:
            raise InvalidArgument(EXPIRED_MESSAGE)
        if txn.state == _ACTIVE:
            self._finish(txn, _DONE)

    def finish(self, txn: Txn) -> None:
        """The transaction committed: release its locks."""
        self._finish(txn, _DONE)

    def _finish(self, txn: Txn, state: str, reason: str = "") -> None:
        if txn.state != _ACTIVE:
            return
        txn.state = state
        txn.reason = reason
        holders = self.holders
        for name in txn.locks:
            hs = holders.get(name)
            if hs is not None:
                hs.discard(txn)
                if not hs:
                    del holders[name]
        txn.locks = set()
        self._wake_readers()
        for fut in txn.waiters:
            if not fut.done():
                fut.set_result(None)
        txn.waiters = []

    def wound(self, txn: Txn) -> None:
        self._finish(txn, _ABORTED, CONTENTION_MESSAGE)
        if txn.waiting is not None and not txn.waiting.done():
            txn.waiting.set_exception(Aborted(CONTENTION_MESSAGE))

    def abort_database(self, db_key) -> None:
        """End every active transaction of a database (it was cleared)."""
        for txn in list(self.txns.values()):
            if txn.db_key == db_key and txn.state == _ACTIVE:
                self.wound(txn)

    def expire_idle(self) -> None:
        """Expire idle and over-age transactions; forget long-finished ones."""
        now = time.monotonic()
        stale = []
        for tid, txn in self.txns.items():
            if txn.state == _ACTIVE:
                if now - txn.last_used > IDLE_TIMEOUT or now - txn.started > MAX_LIFETIME:
                    self._finish(txn, _EXPIRED)
            elif now - txn.last_used > 600:
                stale.append(tid)
        for tid in stale:
            del self.txns[tid]

    # ------------------------------------------------------------------ locks
    def lock_shared(self, txn: Txn, names: Iterable[str]) -> None:
        """Take shared locks for a read. Never waits: exclusive locks last only an instant."""
        holders = self.holders
        for name in names:
            if name not in txn.locks:
                txn.locks.add(name)
                hs = holders.get(name)
                if hs is None:
                    holders[name] = {txn}
                else:
                    hs.add(txn)

    def _wake_readers(self) -> None:
        if self._wakeups:
            for fut in self._wakeups:
                if not fut.done():
                    fut.set_result(None)
            self._wakeups = []

    def _older_reader(self, txn: Txn, names: list[str]) -> bool:
        age = txn.age
        for name in names:
            for group in (self.holders.get(name), self.queued.get(name)):
                if group:
                    for h in group:
                        if h is not txn and h.age < age and name not in txn.locks:
                            return True
        return False

    async def lock_shared_queued(self, txn: Txn, names: list[str]) -> None:
        """Take shared locks for a read, first queueing behind older read-write transactions
        that hold or await one of the documents (for at most READ_QUEUE_GRACE seconds).

        If the transaction is aborted (wounded) while it queues, the read still completes,
        without locks, and the transaction's commit fails with ABORTED, which clients retry:
        without the queue the read would have completed before the wound, exactly so.
        """
        if txn.state != _ACTIVE:
            raise Aborted(txn.reason or CONTENTION_MESSAGE)
        if not self._older_reader(txn, names):
            self.lock_shared(txn, names)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READ_QUEUE_GRACE
        for name in names:
            self.queued.setdefault(name, set()).add(txn)
        try:
            while txn.state == _ACTIVE and self._older_reader(txn, names):
                left = deadline - loop.time()
                if left <= 0:
                    break
                fut = loop.create_future()
                self._wakeups.append(fut)
                txn.waiting = fut
                try:
                    await asyncio.wait_for(fut, timeout=left)
                except (asyncio.TimeoutError, Aborted):
                    pass
                finally:
                    txn.waiting = None
        finally:
            for name in names:
                q = self.queued.get(name)
                if q is not None:
                    q.discard(txn)
                    if not q:
                        del self.queued[name]
        if txn.state == _ACTIVE:
            self.lock_shared(txn, names)
        self._wake_readers()

    def _blockers(self, txn: Optional[Txn], names: Iterable[str]) -> Optional[Txn]:
        """Wound younger conflicting holders; return an older one to wait for, if any."""
        holders = self.holders
        blocker = None
        for name in names:
            hs = holders.get(name)
            if not hs:
                continue
            for h in list(hs):
                if h is txn:
                    continue
                if txn is not None and txn.age < h.age:
                    self.wound(h)
                elif blocker is None or h.age < blocker.age:
                    blocker = h
        return blocker

    def conflicts(self, txn: Optional[Txn], names: list[str]) -> bool:
        """Fast check: does anyone other than txn hold a lock on any of names?"""
        holders = self.holders
        for name in names:
            hs = holders.get(name)
            if hs and (txn is None or len(hs) > 1 or txn not in hs):
                return True
        return False

    async def lock_exclusive(self, txn: Optional[Txn], names: list[str]) -> None:
        """Wait until txn (None = a non-transactional write) may write names right now.

        On return no other transaction holds a lock on any of names; the caller must apply its
        writes before its next await.
        """
        if not self.conflicts(txn, names):
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lock_timeout
        while True:
            if txn is not None and txn.state != _ACTIVE:
                raise Aborted(txn.reason or CONTENTION_MESSAGE)
            blocker = self._blockers(txn, names)
            if blocker is None:
                return
            left = deadline - loop.time()
            if left <= 0:
                raise Aborted("Transaction lock timeout: a document this write needs stayed locked "
                              "by another transaction.")
            fut = loop.create_future()
            blocker.waiters.append(fut)
            if txn is not None:
                txn.waiting = fut
            try:
                await asyncio.wait_for(fut, timeout=min(left, 1.0))
            except asyncio.TimeoutError:
                pass
            finally:
                if txn is not None:
                    txn.waiting = None
