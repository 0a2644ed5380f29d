"""Benchmark writes to one hot thread through Hosting, against the whole local stack.

    .venv/bin/python -m bench.hot_thread [--clients 8] [--seconds 30] [--users 480] [--min-rate 80]

--clients threads post, as fast as each gets its answers, for --seconds to ONE thread through
Hosting's /api rewrite (as the browser does): comments on the thread, replies to one root comment,
and reactions toggled on and off on the thread and on the root comment, in turn. The users
(--users of them, shared out among the clients, each client using only its own) are signed up and
given profiles before the timed window. A client never lets one of its users go over the API's
comment rate limit (it tracks each user's comments of the last minute and reacts instead when none
of its users may comment), so a 429 is an error like any other.

Prints writes/s (2xx answers per second of the window), the CPU time the stack and the client
spent per write (read from /proc, so a run on a busy machine can be told from a slow one),
p50/p90/p99/max latency overall and per kind of write, and the histogram of status codes; then checks that every counter on the thread and
on the root comment is exactly what the 2xx answers imply within --settle seconds of the end
(counters are folded from shards about once a second). Exits non-zero when a check fails, any
answer is not 2xx, writes/s is under --min-rate, or a document took more than --max-doc-rate
writes/s over the run or --max-doc-window writes in one second.

The stack runs with the write log on (functions/hearth/db/writelog.py), so the run also prints what
production would refuse and the emulator does not: the document that took the most writes over the
window (and its rate) and in its busiest 1-second window, and the background function invocations
(triggers, tasks) per API write.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import requests

from devstack import writelog
from devstack.authemu import User, sign_up
from devstack.client import Api
from devstack.processes import ROOT

COMMENTS_PER_MINUTE = 5  # the API's default rate limit (HEARTH_COMMENTS_PER_MINUTE)
KINDS = ("comment", "reply", "thread reaction", "comment reaction")
THREAD_SCORE_PER_COMMENT = 2  # functions/hearth/forum/ranking.py


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Tally:
    """What the clients saw: latencies by kind, status codes, and the writes that took effect."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, response: requests.Response) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[response.status_code] += 1
            if not 200 <= response.status_code < 300 and len(self.failures) < 10:
                self.failures.append(f"{kind}: {response.status_code} {response.text[:200]}")

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)


class Client:
    """One benchmark client: its own HTTP session and users; it knows which of its reactions are on."""

    def __init__(self, base: str, users: list[User], tid: str, root_id: str, tally: Tally) -> None:
        self.base, self.users, self.tid, self.root_id, self.tally = base, users, tid, root_id, tally
        self.api = Api(base)
        self.recent: dict[str, deque[float]] = {u.uid: deque() for u in users}
        self.reacted: dict[tuple[str, str], bool] = {}  # (uid, target) -> reaction on
        self.comments = Counter[str]()  # kind -> 2xx comment posts
        self.turn = 0

    def _poster(self) -> User | None:
        """The next of this client's users who may comment now without hitting the rate limit."""
        now = time.monotonic()
        for _ in range(len(self.users)):
            user = self.users[self.turn % len(self.users)]
            self.turn += 1
            window = self.recent[user.uid]
            while window and now - window[0] > 61:
                window.popleft()
            if len(window) < COMMENTS_PER_MINUTE:
                window.append(now)
                return user
        return None

    def _send(self, kind: str, method: str, path: str, user: User, **kwargs) -> bool:
        start = time.perf_counter()
        response = self.api.request(method, path, user, **kwargs)
        self.tally.record(kind, time.perf_counter() - start, response)
        return 200 <= response.status_code < 300

    def _react(self, kind: str, step: int) -> None:
        user = self.users[step % len(self.users)]
        target = "thread" if kind == "thread reaction" else "comment"
        on = not self.reacted.get((user.uid, target), False)
        path = (
            f"/threads/{self.tid}/reactions/like"
            if target == "thread"
            else f"/threads/{self.tid}/comments/{self.root_id}/reactions/like"
        )
        if self._send(kind, "PUT" if on else "DELETE", path, user):
            self.reacted[(user.uid, target)] = on

    def run(self, until: float) -> None:
        step = 0
        while time.monotonic() < until:
            kind = KINDS[step % len(KINDS)]
            poster = self._poster() if kind in ("comment", "reply") else None
            if poster is not None:
                body = {"body": f"{kind} {step} from the hot-thread benchmark"}
                if kind == "reply":
                    body["parentId"] = self.root_id
                if self._send(kind, "POST", f"/threads/{self.tid}/comments", poster, json=body):
                    self.comments[kind] += 1
            else:
                self._react(kind if kind.endswith("reaction") else "thread reaction", step)
            step += 1


def stack_cpu_seconds() -> float:
    """CPU time (user + system) used so far by this checkout's processes (the emulators, the function's
    workers, this benchmark), read from /proc: what a write costs here, whatever else loads the machine."""
    return float(sum(stack_cpu_by_kind().values()))


def process_kind(cmdline: str) -> str:
    """Which part of the stack a process is: the Firestore emulator (java), the function's workers
    and this benchmark (python), firebase-tools' emulators (node)."""
    for kind in ("java", "python", "node"):
        if kind in cmdline.split(" ", 1)[0] or f"/{kind}" in cmdline.split(" ", 1)[0]:
            return kind
    return "other"


def stack_cpu_by_kind() -> dict[str, float]:
    """stack_cpu_seconds by process_kind."""
    tick = os.sysconf("SC_CLK_TCK")
    total: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if str(ROOT) not in cmdline and entry.name != str(os.getpid()):
                continue
            fields = (entry / "stat").read_text().rsplit(") ", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        kind = process_kind(cmdline)
        total[kind] = total.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def drain(
    window_end: float, *, idle_cores: float = 0.15, step: float = 2.0, at_most: float = 180.0
) -> tuple[float, float]:
    """Wait until the background work the window's writes caused has run (the stack's CPU use falls
    under idle_cores over `step` seconds), at least 5 s after window_end (time.monotonic()).

    (the monotonic time the last busy step ended, stack_cpu_seconds then); at_most seconds after
    the window end if the stack never went idle."""
    time.sleep(max(0.0, window_end + 5 - time.monotonic()))
    while True:
        began, cpu = time.monotonic(), stack_cpu_seconds()
        if began > window_end + at_most:
            return began, cpu
        time.sleep(step)
        if (stack_cpu_seconds() - cpu) / (time.monotonic() - began) < idle_cores:
            return began, cpu


def reference_seconds() -> float:
    """CPU seconds a fixed pure-Python loop takes here now, the best of three: this VM's speed drifts
    between runs (by half, at times), and runs compare only at like speeds."""

    def once() -> float:
        began, total = time.process_time(), 0
        for i in range(3_000_000):
            total += i * i % 7
        return time.process_time() - began

    return min(once() for _ in range(3))


def make_users(auth_url: str, count: int) -> list[User]:
    stamp = int(time.time())
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda i: sign_up(auth_url, f"hot{stamp}-{i}@example.com", "hot-thread-1"), range(count)))


def stored_score(firestore_host: str, project: str, path: str) -> int:
    """A document's stored score, read straight from the Firestore emulator (the API shows no comment's score)."""
    os.environ["FIRESTORE_EMULATOR_HOST"] = firestore_host
    from google.cloud import firestore

    return int(firestore.Client(project=project).document(path).get().get("score"))


def check_counters(
    api: str, clients: list[Client], tid: str, root_id: str, root_score: Callable[[], int]
) -> dict[str, tuple[int, int]]:
    """Every counter on the thread and the root comment equals what the 2xx answers imply."""
    comments = sum(c.comments["comment"] for c in clients)
    replies = sum(c.comments["reply"] for c in clients)
    likes = {
        target: sum(on for c in clients for (_, t), on in c.reacted.items() if t == target)
        for target in ("thread", "comment")
    }
    client = Api(api, timeout=30)
    thread = client.call("GET", f"/threads/{tid}")
    root = next(
        c for c in client.call("GET", f"/threads/{tid}/comments?sort=old&limit=1")["items"] if c["id"] == root_id
    )
    expected = {
        "thread commentCount": (thread["commentCount"], 1 + comments + replies),
        "thread likes": (thread["reactionCounts"]["like"], likes["thread"]),
        "thread score": (thread["score"], likes["thread"] + THREAD_SCORE_PER_COMMENT * (1 + comments + replies)),
        "root replyCount": (root["replyCount"], replies),
        "root descendantCount": (root["descendantCount"], replies),
        "root likes": (root["reactionCounts"]["like"], likes["comment"]),
        "root score": (root_score(), likes["comment"] + replies),
        "root preview replies": (len(root["replies"]), min(5, replies)),
    }
    return {name: (got, want) for name, (got, want) in expected.items()}


def settled_counters(read: Callable[[], dict[str, tuple[int, int]]], within: float) -> list[str]:
    """Read the counters until all are exact or `within` seconds pass; print them; the names still off.

    Counters are folded from their shards about once a second (db/counters.py), so they are
    exact a moment after the writes stop, not at once."""
    deadline = time.monotonic() + within
    while True:
        counters = read()
        wrong = [name for name, (got, want) in counters.items() if got != want]
        if not wrong or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    for name, (got, want) in counters.items():
        print(f"  {name:22} {got:6}  (expected {want})")
    return wrong


def report_writes(log_path: Path, start: float, end: float, settled: float, api_writes: int) -> tuple[float, int]:
    """Print the busiest document over [start, end) and in its busiest second, and the background
    invocations up to settled (the writes' triggers may run after the window); (its rate, its window count)."""
    run = writelog.read(log_path, start, end)
    doc, count = writelog.busiest(run)
    window_doc, window = writelog.busiest_window(run)
    rate = count / (end - start)
    calls = writelog.invocations(writelog.read(log_path, start, settled))
    print("writes per document (production sustains about 1 write/s per document):")
    print(f"  {len(run.writes)} document writes in {run.commits} commits for {api_writes} API writes")
    by_collection = ", ".join(
        f"{name} {n / max(1, api_writes):.2f}" for name, n in writelog.per_collection(run).most_common()
    )
    print(f"  per API write, by collection: {by_collection}")
    print(f"  busiest over the run:  {rate:6.1f} writes/s  ({count} writes to {doc})")
    print(f"  busiest 1-s window:    {window:6d} writes    (to {window_doc})")
    detail = ", ".join(f"{name} {n}" for name, n in calls.most_common()) or "none"
    total = sum(calls.values())
    print(f"background invocations: {total / max(1, api_writes):.2f} per API write ({total}: {detail})")
    return rate, window


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--users", type=int, default=480, help="users in all, shared out among the clients")
    parser.add_argument("--min-rate", type=float, default=80.0, help="writes/s below which the run fails")
    parser.add_argument(
        "--settle", type=float, default=5.0, help="seconds after the run within which counters are exact"
    )
    parser.add_argument(
        "--max-doc-rate", type=float, default=1.0, help="writes/s one document may take, averaged over the run"
    )
    parser.add_argument("--max-doc-window", type=int, default=5, help="writes one document may take in any second")
    parser.add_argument(
        "--at",
        type=float,
        default=None,
        help="start the window at this time (seconds since the epoch): two checkouts' runs side by side",
    )
    args = parser.parse_args()

    from devstack.stack import Ports, local_stack

    log_dir = tempfile.TemporaryDirectory(prefix="hearth-bench-")
    write_log = Path(log_dir.name) / "writes.jsonl"
    with log_dir, local_stack(Ports.free(), write_log=write_log) as stack:
        # The fold tasks' workers, as a deployed function's warm instances: two for each of the run's
        # three hot owners (the thread, the root comment, its author's inbox), which the emulator would
        # otherwise start inside the timed window (devstack.stack.Stack.warm_background says why).
        stack.warm_background(workers=6)
        api = f"{stack.hosting_url}/api"
        client = Api(api)
        print(f"Signing up {args.users} users on the Auth emulator...", flush=True)
        author, *users = make_users(stack.auth_url, args.users + 1)  # the author's comments count against their limit
        with ThreadPoolExecutor(max_workers=8) as pool:  # profiles exist before the window, as for regulars
            list(pool.map(lambda u: Api(api).call("GET", "/me", u), users))
        tid = client.call("POST", "/threads", author, {"title": "A hot thread", "body": "Everyone is here."})["id"]
        root_id = client.call("POST", f"/threads/{tid}/comments", author, {"body": "The root everyone answers"})["id"]
        tally = Tally()
        clients = [Client(api, users[i :: args.clients], tid, root_id, tally) for i in range(args.clients)]
        print(f"{args.clients} clients writing to one thread through Hosting for {args.seconds:.0f} s...", flush=True)
        if args.at is not None:
            if time.time() > args.at:
                print(f"FAIL: the stack was ready {time.time() - args.at:.0f} s after --at")
                return 1
            time.sleep(args.at - time.time())
        print(f"machine speed: {1000 * reference_seconds():.0f} ms for the reference loop (lower is faster)")
        cpu_before, kinds_before = stack_cpu_seconds(), stack_cpu_by_kind()
        start, wall_start = time.monotonic(), time.time()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(lambda c: c.run(start + args.seconds), clients))
        elapsed, wall_end = time.monotonic() - start, time.time()
        cpu = stack_cpu_seconds() - cpu_before
        kinds = {kind: sec - kinds_before.get(kind, 0.0) for kind, sec in stack_cpu_by_kind().items()}
        load = os.getloadavg()[0]

        every = [s for kind in KINDS for s in tally.latencies[kind]]
        rate = tally.ok / elapsed
        print(f"\nwrites/s: {rate:.1f}  ({tally.ok} answered 2xx in {elapsed:.1f} s; budget >= {args.min_rate:.0f})")
        print(
            f"CPU: {1000 * cpu / max(1, tally.ok):.1f} ms per write across the stack and this client "
            f"({cpu / elapsed:.2f} of {os.cpu_count()} cores; machine load average {load:.1f})"
        )
        print(
            "  by process: "
            + ", ".join(
                f"{kind} {1000 * sec / max(1, tally.ok):.1f} ms"
                for kind, sec in sorted(kinds.items(), key=lambda k: -k[1])
            )
        )
        print("latency ms        count    p50    p90    p99    max")
        for kind, values in [("all", every), *((k, tally.latencies[k]) for k in KINDS)]:
            if values:
                print(
                    f"  {kind:16} {len(values):5} "
                    + " ".join(
                        f"{1000 * v:6.0f}"
                        for v in (percentile(values, 50), percentile(values, 90), percentile(values, 99), max(values))
                    )
                )
        print("statuses:", dict(sorted(tally.statuses.items())))
        for failure in tally.failures:
            print("  ", failure)
        print(f"counters within {args.settle:.0f} s of the run's end:")
        wrong = settled_counters(
            lambda: check_counters(
                api,
                clients,
                tid,
                root_id,
                lambda: stored_score(stack.firestore_host, stack.project, f"threads/{tid}/comments/{root_id}"),
            ),
            max(0.0, wall_end + args.settle - time.time()),
        )
        # The background work the window's writes caused (notifications, folds) may outlast the window:
        # on this machine it shares the cores with the writes, so the writes/s of the window alone
        # would favour a design that leaves more of its work for later.
        idle, idle_cpu = drain(start + elapsed)
        drained, full_cpu = idle - start, idle_cpu - cpu_before
        print(
            f"background work done {drained - elapsed:.1f} s after the window: "
            f"{1000 * full_cpu / max(1, tally.ok):.1f} ms CPU per write with it, "
            f"{tally.ok / drained:.1f} writes/s counting until it was done"
        )
        doc_rate, doc_window = report_writes(write_log, wall_start, wall_end, time.time(), tally.ok)

    problems = []
    if rate < args.min_rate:
        problems.append(f"{rate:.1f} writes/s is under the budget of {args.min_rate:.0f}")
    if tally.ok != sum(tally.statuses.values()):
        problems.append(f"{sum(tally.statuses.values()) - tally.ok} answers were not 2xx")
    if wrong:
        problems.append(f"counters off {args.settle:.0f} s after the run: " + ", ".join(wrong))
    if doc_rate > args.max_doc_rate:
        problems.append(f"a document took {doc_rate:.1f} writes/s over the run (budget {args.max_doc_rate:.1f})")
    if doc_window > args.max_doc_window:
        problems.append(f"a document took {doc_window} writes in one second (budget {args.max_doc_window})")
    for problem in problems:
        print("FAIL:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
