"""Benchmark the render budget against the whole local stack: hostile posts cannot stall the API.

    .venv/bin/python -m bench.abuse [--normal 12] [--in-flight 10] [--max-seconds 1.0] [--max-ratio 3.0]

1. Every input of the hostile-render corpus (tests/support/hostile.py) is posted as a comment
   through Hosting's /api rewrite, each by a user of its own; each must be answered (201, or 422
   when its rendering passed the CPU budget) within --max-seconds.
2. A normal comment's latency alone: the median of --normal comments posted one after another.
3. The same while --in-flight clients keep hostile previews (POST /api/render) in flight all the
   time; the median must stay within --max-ratio times the latency alone.

Prints each corpus input's status and latency, both medians and their ratio, and the CPU the
machine's other processes took meanwhile is not separated out: run it on an idle machine for
figures to compare. Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devstack.authemu import User, sign_up  # noqa: E402
from devstack.client import Api  # noqa: E402
from tests.support.hostile import CORPUS  # noqa: E402

NORMAL_BODY = (
    "A normal comment with **some** markdown, a [link](https://example.com) and `code`.\n\n"
    "```python\ndef greet(name):\n    return f'hello {name}'\n```"
)
COMMENTS_PER_MINUTE = 5  # the API's default comment limit: a user posts at most this many per run
PREVIEWS_PER_MINUTE = 30


def make_users(auth_url: str, count: int) -> list[User]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(
            pool.map(
                lambda n: sign_up(auth_url, f"abuse{n}-{time.time_ns()}@example.com", "password-123"), range(count)
            )
        )


def post(api: Api, user: User, path: str, body: dict) -> tuple[int, float]:
    start = time.monotonic()
    response = api.post(path, user, json=body)
    return response.status_code, time.monotonic() - start


def normal_latencies(api: Api, tid: str, users: list[User], count: int) -> list[float]:
    """count normal comments, one after another, by users taken in turn (never over their limit)."""
    out = []
    for n in range(count):
        status, seconds = post(api, users[n % len(users)], f"/threads/{tid}/comments", {"body": NORMAL_BODY})
        if status != 201:
            raise SystemExit(f"a normal comment answered {status}")
        out.append(seconds)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--normal", type=int, default=12, help="normal comments per measurement")
    parser.add_argument("--in-flight", type=int, default=10, help="hostile requests kept in flight")
    parser.add_argument("--max-seconds", type=float, default=1.0, help="the longest a hostile request may take")
    parser.add_argument("--max-ratio", type=float, default=3.0)
    args = parser.parse_args()

    from devstack.stack import Ports, local_stack

    with local_stack(Ports.free()) as stack:
        base = f"{stack.hosting_url}/api"
        api = Api(base, timeout=120)
        per_phase = -(-args.normal // COMMENTS_PER_MINUTE)
        users = make_users(stack.auth_url, 1 + len(CORPUS) + 2 * per_phase + 4 * args.in_flight)
        author, users = users[0], users[1:]
        corpus_users, users = users[: len(CORPUS)], users[len(CORPUS) :]
        alone_users, loaded_users, hostile_users = (
            users[:per_phase],
            users[per_phase : 2 * per_phase],
            users[2 * per_phase :],
        )
        tid = api.call("POST", "/threads", author, {"title": "Abuse bench", "body": "Hostile posts land here."})["id"]
        # Warm the runtimes the Functions emulator starts, one per request in flight (each imports
        # the app on its first request): as many requests at once as the loaded phase will have,
        # so that phase measures rendering, not cold starts (a production instance is warm too).
        warm = alone_users + loaded_users + hostile_users[: args.in_flight]
        with ThreadPoolExecutor(max_workers=args.in_flight + 1) as pool:
            for _ in range(2):
                list(pool.map(lambda user: Api(base, timeout=120).get("/me", user), warm))

        failures = []
        print(f"1. The hostile corpus ({len(CORPUS)} inputs), each posted as a comment:")
        for (name, body), user in zip(CORPUS.items(), corpus_users, strict=True):
            status, seconds = post(api, user, f"/threads/{tid}/comments", {"body": body})
            ok = status in (201, 422) and seconds <= args.max_seconds
            print(f"   {name:<40} {status}  {seconds:6.3f} s{'' if ok else '  <- FAIL'}")
            if not ok:
                failures.append(f"{name}: {status} in {seconds:.3f} s")

        alone = normal_latencies(api, tid, alone_users, args.normal)
        stop = threading.Event()
        hostile_counts: dict[str, Any] = {"sent": 0, "statuses": {}}
        lock = threading.Lock()
        bodies = itertools.cycle(CORPUS.values())
        # Each client uses its own users, each for at most PREVIEWS_PER_MINUTE previews.
        user_pool = [hostile_users[n :: args.in_flight] for n in range(args.in_flight)]

        def hostile(n: int) -> None:
            client = Api(base, timeout=120)  # a connection of its own: requests' sessions are not shared across threads
            for user in itertools.cycle(user_pool[n]):
                for _ in range(PREVIEWS_PER_MINUTE):
                    if stop.is_set():
                        return
                    with lock:
                        body = next(bodies)
                    status, _ = post(client, user, "/render", {"body": body})
                    with lock:
                        hostile_counts["sent"] += 1
                        hostile_counts["statuses"][status] = hostile_counts["statuses"].get(status, 0) + 1

        with ThreadPoolExecutor(max_workers=args.in_flight) as pool:
            running = [pool.submit(hostile, n) for n in range(args.in_flight)]
            time.sleep(2)  # let the hostile requests pile up first
            try:
                loaded = normal_latencies(api, tid, loaded_users, args.normal)
            finally:
                stop.set()
            for future in running:
                future.result()

        alone_median, loaded_median = statistics.median(alone), statistics.median(loaded)
        ratio = loaded_median / alone_median
        print(f"2. A normal comment alone: median {alone_median * 1000:.0f} ms, max {max(alone) * 1000:.0f} ms")
        print(
            f"3. With {args.in_flight} hostile previews in flight: median {loaded_median * 1000:.0f} ms, "
            f"max {max(loaded) * 1000:.0f} ms; ratio {ratio:.2f} (at most {args.max_ratio})"
        )
        print(f"   hostile previews answered meanwhile: {hostile_counts['sent']} {hostile_counts['statuses']}")
        if ratio > args.max_ratio:
            failures.append(f"normal comment latency ratio {ratio:.2f} > {args.max_ratio}")
        if failures:
            print("FAILED: " + "; ".join(failures))
            return 1
        print("OK")
        return 0


if __name__ == "__main__":
    sys.exit(main())
