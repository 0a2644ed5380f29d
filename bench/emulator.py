"""Benchmark the Firestore emulator through google-cloud-firestore.

    .venv/bin/python bench/emulator.py [--requests N] [--seconds S] [--clients C] [--threads]

Starts the project's emulator on a free port (unless FIRESTORE_EMULATOR_HOST names a running
one), then measures on loopback:

- p50 / p99 latency of a single-document get and of a single-document commit (set);
- commits/s with C concurrent clients (separate processes by default, since one Python
  process's GIL would limit the client side; --threads uses threads in one process).

Exits non-zero when a target is missed: p50 get < 2 ms, >= 1500 commits/s with 8 clients.
It also prints the server's own CPU time per request (the server process and any children), which
says what the server can sustain independently of the clients sharing the machine.
BENCH_SERVER_ARGS adds emulator options (e.g. "--transport grpcio" to measure grpcio's server).
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


def _commit_worker(project: str, worker: int, seconds: float, ready, go, result, kind: str = "document") -> None:
    from google.cloud import firestore

    client = firestore.Client(project=project)
    ref = client.collection("bench_load").document(f"w{worker}")
    ref.set({"n": 0})  # warm the channel
    if kind == "gapic":  # the client's generated API layer: same RPC, less client-side work
        from google.cloud.firestore_v1.types import CommitRequest

        api = client._firestore_api
        database = f"projects/{project}/databases/(default)"

        def commit(n):
            api.commit(request=CommitRequest(database=database, writes=[
                {"update": {"name": ref._document_path, "fields": {"n": {"integer_value": n}}}}]))
    else:
        def commit(n):
            ref.set({"n": n, "worker": worker})
    commit(0)
    ready.put(worker) if hasattr(ready, "put") else ready.append(worker)
    go.wait()
    count = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        commit(count)
        count += 1
    result.put(count) if hasattr(result, "put") else result.append(count)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--threads", action="store_true", help="clients as threads, not processes")
    parser.add_argument("--client", choices=["document", "gapic"], default="document",
                        help="commit with DocumentReference.set (default) or the generated API layer")
    args = parser.parse_args()

    host = os.environ.get("FIRESTORE_EMULATOR_HOST")
    if host:
        return run(args, host, [])
    from devstack import firestore as hearth_firestore

    with hearth_firestore.start("--host", "127.0.0.1", "--port", "0",
                                *os.environ.get("BENCH_SERVER_ARGS", "").split()) as server:
        host = hearth_firestore.wait_ready(server)
        os.environ["FIRESTORE_EMULATOR_HOST"] = host
        time.sleep(0.5)
        pids = [server.proc.pid] + _children(server.proc.pid)
        return run(args, host, pids)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def run(args, host: str, server_pids: list[int]) -> int:
    from google.cloud import firestore

    project = f"bench-{os.getpid()}"
    client = firestore.Client(project=project)
    ref = client.collection("bench").document("one")
    ref.set({"title": "hello", "n": 1, "tags": ["a", "b"], "nested": {"x": 1.5}})

    cpu0 = _cpu_seconds(server_pids)
    get_ms = _latencies(lambda: ref.get(), args.requests, 300)
    cpu1 = _cpu_seconds(server_pids)
    counter = iter(range(10**9))
    commit_ms = _latencies(lambda: ref.set({"title": "hello", "n": next(counter)}), args.requests, 300)
    cpu2 = _cpu_seconds(server_pids)
    get_cpu_us = (cpu1 - cpu0) / (args.requests + 300) * 1e6
    commit_cpu_us = (cpu2 - cpu1) / (args.requests + 300) * 1e6

    # every client connects and warms up first; then all start together
    if args.threads:
        mode = f"{args.clients} threads"
        ready: list[int] = []
        go = threading.Event()
        counts: list[int] = []
        workers = [threading.Thread(target=_commit_worker,
                                    args=(project, i, args.seconds, ready, go, counts, args.client))
                   for i in range(args.clients)]
        for w in workers:
            w.start()
        while len(ready) < args.clients:
            time.sleep(0.01)
        go.set()
        for w in workers:
            w.join()
    else:
        mode = f"{args.clients} processes"
        ctx = mp.get_context("spawn")
        ready_q, result_q, go = ctx.Queue(), ctx.Queue(), ctx.Event()
        workers = [ctx.Process(target=_commit_worker,
                               args=(project, i, args.seconds, ready_q, go, result_q, args.client))
                   for i in range(args.clients)]
        for w in workers:
            w.start()
        for _ in workers:
            ready_q.get(timeout=120)
        go.set()
        counts = [result_q.get(timeout=args.seconds + 60) for _ in workers]
        for w in workers:
            w.join()
    throughput = sum(counts) / args.seconds
    load = os.getloadavg()[0]

    get_p50, commit_p50 = statistics.median(get_ms), statistics.median(commit_ms)
    ok_get = get_p50 < TARGET_GET_P50_MS
    ok_tp = throughput >= TARGET_COMMITS_PER_S
    print(f"Firestore emulator at {host} (google-cloud-firestore client, loopback)")
    print(f"{'measure':<38}{'p50':>10}{'p99':>10}   target")
    print(f"{'single-document get (ms)':<38}{get_p50:>10.3f}{_percentile(get_ms, 0.99):>10.3f}"
          f"   p50 < {TARGET_GET_P50_MS} ms  {'OK' if ok_get else 'MISSED'}")
    print(f"{'single-document commit/set (ms)':<38}{commit_p50:>10.3f}{_percentile(commit_ms, 0.99):>10.3f}")
    print(f"{'commits/s, ' + mode + ', ' + args.client + ' client':<58}{throughput:>10.0f}"
          f"   >= {TARGET_COMMITS_PER_S:.0f}/s  {'OK' if ok_tp else 'MISSED'}")
    if server_pids:
        print(f"server CPU per request: get {get_cpu_us:.0f} us, commit {commit_cpu_us:.0f} us"
              f" -> at most ~{1e6 / commit_cpu_us:.0f} commits/s per fully available core")
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at the end (other work skews figures)")
    return 0 if ok_get and ok_tp else 1


if __name__ == "__main__":
    sys.exit(main())
