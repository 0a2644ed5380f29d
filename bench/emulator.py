"""Benchmark the Firestore emulator through google-cloud-firestore.

    .venv/bin/python bench/emulator.py [--requests N] [--seconds S] [--clients C] [--threads]

Starts the project's emulator on a free port (unless FIRESTORE_EMULATOR_HOST names a running
one), then measures on loopback:

- p50 / p99 latency of a single-document get and of a single-document commit (set);
- commits/s with C concurrent clients (separate processes by default, since one Python
  process's GIL would limit the client side; --threads uses threads in one process).

Exits non-zero when a target is missed: p50 get < 2 ms, >= 1500 commits/s with 8 clients.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_GET_P50_MS = 2.0
TARGET_COMMITS_PER_S = 1500.0
READY = r"Firestore emulator listening on (\S+):(\d+)"


def _percentile(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _latencies(fn, n: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _commit_worker(project: str, worker: int, seconds: float, start_at: float, result) -> None:
    from google.cloud import firestore

    client = firestore.Client(project=project)
    ref = client.collection("bench_load").document(f"w{worker}")
    ref.set({"n": 0})  # warm the channel
    while time.time() < start_at:
        time.sleep(0.001)
    count = 0
    end = start_at + seconds
    while time.time() < end:
        ref.set({"n": count, "worker": worker})
        count += 1
    result.put(count) if hasattr(result, "put") else result.append(count)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", action="store_true", help="clients as threads, not processes")
    args = parser.parse_args()

    host = os.environ.get("FIRESTORE_EMULATOR_HOST")
    if host:
        return run(args, host)
    from tests.support.processes import run_server

    cmd = [sys.executable, "-m", "firestore_emulator", "--host", "127.0.0.1", "--port", "0",
           *os.environ.get("BENCH_SERVER_ARGS", "").split()]
    with run_server(cmd, env={"PYTHONPATH": str(ROOT / "emulator")}) as server:
        m = server.wait_for_line(READY, timeout=30)
        host = f"{m.group(1)}:{m.group(2)}"
        os.environ["FIRESTORE_EMULATOR_HOST"] = host
        return run(args, host)


def run(args, host: str) -> int:
    from google.cloud import firestore

    project = f"bench-{os.getpid()}"
    client = firestore.Client(project=project)
    ref = client.collection("bench").document("one")
    ref.set({"title": "hello", "n": 1, "tags": ["a", "b"], "nested": {"x": 1.5}})

    get_ms = _latencies(lambda: ref.get(), args.requests, 300)
    counter = iter(range(10**9))
    commit_ms = _latencies(lambda: ref.set({"title": "hello", "n": next(counter)}), args.requests, 300)

    start_at = time.time() + 1.5
    if args.threads:
        mode = f"{args.clients} threads in one process"
        counts: list[int] = []
        workers = [threading.Thread(target=_commit_worker, args=(project, i, args.seconds, start_at, counts))
                   for i in range(args.clients)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    else:
        mode = f"{args.clients} client processes"
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        start_at += 2.0  # spawned interpreters need time to import the client
        workers = [ctx.Process(target=_commit_worker, args=(project, i, args.seconds, start_at, queue))
                   for i in range(args.clients)]
        for w in workers:
            w.start()
        counts = [queue.get(timeout=args.seconds + 60) for _ in workers]
        for w in workers:
            w.join()
    throughput = sum(counts) / args.seconds

    get_p50, commit_p50 = statistics.median(get_ms), statistics.median(commit_ms)
    ok_get = get_p50 < TARGET_GET_P50_MS
    ok_tp = throughput >= TARGET_COMMITS_PER_S
    print(f"Firestore emulator at {host} (google-cloud-firestore client, loopback)")
    print(f"{'measure':<38}{'p50':>10}{'p99':>10}   target")
    print(f"{'single-document get (ms)':<38}{get_p50:>10.3f}{_percentile(get_ms, 0.99):>10.3f}"
          f"   p50 < {TARGET_GET_P50_MS} ms  {'OK' if ok_get else 'MISSED'}")
    print(f"{'single-document commit/set (ms)':<38}{commit_p50:>10.3f}{_percentile(commit_ms, 0.99):>10.3f}")
    print(f"{'commits/s, ' + mode:<58}{throughput:>10.0f}"
          f"   >= {TARGET_COMMITS_PER_S:.0f}/s  {'OK' if ok_tp else 'MISSED'}")
    return 0 if ok_get and ok_tp else 1


if __name__ == "__main__":
    sys.exit(main())
