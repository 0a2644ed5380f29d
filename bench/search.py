"""Search at forum scale: latency through Hosting and Firestore reads per page.

    .venv/bin/python -m bench.search [--posts 5000] [--queries 60]

Starts the whole local stack, seeds --posts posts straight into Firestore (two fifths threads, the
rest comments spread over them) in batched commits, each document shaped and its `terms` computed
exactly as the API's write path does (seeding through the API would take most of an hour under
the per-user write limits). The words come from a 3,000-word vocabulary drawn with a Zipf
distribution, as words in real text are, so common words match thousands of posts and rare ones
a handful. Then, signed in as a few members (so the per-user search limit never answers), it times
--queries one-word and three-word searches of threads and comments through Hosting
(`GET /api/search`, the first page of 20) and prints p50/p99 and the results per page; and it runs
the same queries in-process on a client that counts Firestore's RPCs, for the documents read and
the round trips per page. Exits non-zero when a page reads more than the budget
(search.MAX_QUERIES queries, SCAN_FACTOR × 20 documents, plus the comments' threads).

Two more columns split the latency: "in-process" is the same search run by the app in this process
on the same emulator (no Hosting, no Functions runtime, no token check), and "bare query" is one
Firestore query of a one-word search's term alone, newest first, a page long: what the Firestore
emulator itself takes. The emulator answers `array-contains` by scanning the collection (no index),
so on it a search costs time in proportion to the posts stored; production answers it from the
index, in proportion to the page. Reads and round trips per page are what production bills.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "functions"))

from devstack.authemu import User, sign_up  # noqa: E402
from devstack.client import Api  # noqa: E402
from devstack.stack import Ports, local_stack  # noqa: E402

VOCABULARY = 3_000
USERS = 8
PAGE = 20


def vocabulary(rng: random.Random) -> list[str]:
    """Made-up words (letters only, 4-9 of them), so the stemmer and the stop list leave them alone."""
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))))
    return sorted(words)


def zipf_text(rng: random.Random, words: list[str], weights: list[float], n: int) -> str:
    return " ".join(rng.choices(words, weights=weights, k=n))


def seed(db, rng: random.Random, posts: int) -> tuple[list[str], list[float]]:
    """Threads and comments as the write path stores them, in batched commits of 400."""
    from hearth.forum.threads import thread_terms
    from hearth.search.backfill import comment_terms

    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    n_threads = posts * 2 // 5
    start = datetime.now(timezone.utc) - timedelta(days=30)
    batch, pending = db.batch(), 0
    tids = []

    def add(ref, doc) -> None:
        nonlocal batch, pending
        batch.set(ref, doc)
        pending += 1
        if pending == 400:
            batch.commit()
            batch, pending = db.batch(), 0

    for i in range(posts):
        when = start + timedelta(seconds=i * 30)
        author = {"uid": f"seed{i % 50}", "handle": f"seeder{i % 50}", "displayName": f"Seeder {i % 50}"}
        body = zipf_text(rng, words, weights, rng.randint(20, 120))
        common = {
            "body": body,
            "bodyHtml": f"<p>{body}</p>",
            "author": author,
            "createdAt": when,
            "editedAt": None,
            "reactionCounts": {},
            "score": rng.randint(0, 30),
            "status": "visible",
            "mentions": [],
        }
        if i < n_threads:
            ref = db.collection("threads").document()
            doc = {
                **common,
                "title": zipf_text(rng, words, weights, rng.randint(3, 8)),
                "excerpt": body[:200],
                "tags": [],
                "lastActivityAt": when,
                "commentCount": 0,
                "locked": False,
                "pinned": False,
            }
            doc["terms"] = thread_terms(doc)
            tids.append(ref.id)
        else:
            tid = rng.choice(tids)
            ref = db.collection("threads").document(tid).collection("comments").document()
            doc = {
                **common,
                "threadId": tid,
                "parentId": None,
                "rootId": None,
                "depth": 1,
                "replyCount": 0,
                "descendantCount": 0,
                "repliedToId": None,
                "repliedToHandle": None,
            }
            doc["terms"] = comment_terms(doc)
        add(ref, doc)
    if pending:
        batch.commit()
    return words, weights


def bare_query_ms(db: Any, kind: str, word: str) -> float:
    """One array-contains query for the word's term, newest first, a page long: the emulator's own share."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from hearth.search.terms import text_terms

    source = db.collection("threads") if kind == "threads" else db.collection_group("comments")
    query = (
        source.where(filter=FieldFilter("terms", "array_contains", text_terms(word)[0]))
        .where(filter=FieldFilter("status", "==", "visible"))
        .order_by("createdAt", direction="DESCENDING")
        .limit(PAGE + 1)
    )
    t0 = time.perf_counter()
    list(query.stream())
    return (time.perf_counter() - t0) * 1000


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=60, help="of each kind (1 word, 3 words) and type")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with local_stack(Ports.free()) as stack:
        os.environ["FIRESTORE_EMULATOR_HOST"] = stack.firestore_host
        from google.cloud import firestore

        from hearth.api.app import create_app
        from hearth.db.ratelimit import Limit
        from hearth.deps import Config, Deps, utc_now
        from hearth.search import service
        from tests.support.counting import CountingClient

        api = f"{stack.hosting_url}/api"
        started = time.perf_counter()
        words, weights = seed(firestore.Client(project=stack.project), rng, args.posts)
        print(f"Seeded {args.posts} posts in {time.perf_counter() - started:.0f} s.", flush=True)
        users: list[User] = [
            sign_up(stack.auth_url, f"b{n}-{uuid.uuid4().hex[:6]}@example.com", "password-123") for n in range(USERS)
        ]
        # Queries: words drawn as text draws them (common ones often), so some match thousands of posts.
        queries = {
            "1 word": [rng.choices(words, weights=weights)[0] for _ in range(args.queries)],
            "3 words": [" ".join(rng.choices(words, weights=weights, k=3)) for _ in range(args.queries)],
        }
        counting = CountingClient(project=stack.project)
        many = Limit("search", 1_000_000, timedelta(minutes=1))
        app = create_app(
            Deps(db=counting, verify_token=lambda t, c: {"uid": t}, config=Config(search_limit=many), clock=utc_now)
        ).test_client()
        client = Api(api, timeout=300)
        # A cold function (the emulator starts its Python worker on the first request) is not a search's latency.
        for user in users:
            client.get("/search", user, params={"q": words[0]}).raise_for_status()
        failed = False
        budget = {
            "threads": (service.MAX_QUERIES, service.SCAN_FACTOR * PAGE),
            "comments": (2 * service.MAX_QUERIES, 2 * service.SCAN_FACTOR * PAGE),
        }
        print(
            f"{'query':<18} {'p50 ms':>8} {'p99 ms':>8} {'in-process p50':>15} {'bare query p50':>15} "
            f"{'results/page':>13} {'reads/page avg':>15} {'max':>5} {'round trips max':>16}"
        )
        bare_db = firestore.Client(project=stack.project)
        call = 0
        for kind in ("threads", "comments"):
            for label, qs in queries.items():
                latencies, results, reads, trips, local_ms, bare_ms = [], [], [], [], [], []
                for q in qs:
                    user = users[call % USERS]
                    call += 1
                    t0 = time.perf_counter()
                    response = client.get("/search", user, params={"q": q, "type": kind})
                    latencies.append((time.perf_counter() - t0) * 1000)
                    if response.status_code == 429:  # the per-user window: wait it out, then time it again
                        time.sleep(int(response.headers.get("Retry-After", "1")))
                        t0 = time.perf_counter()
                        response = client.get("/search", user, params={"q": q, "type": kind})
                        latencies[-1] = (time.perf_counter() - t0) * 1000
                    response.raise_for_status()
                    results.append(len(response.json()["items"]))
                    counting.stats.reset()
                    t0 = time.perf_counter()
                    local = app.get(
                        "/api/search", query_string={"q": q, "type": kind}, headers={"Authorization": "Bearer bench"}
                    )
                    local_ms.append((time.perf_counter() - t0) * 1000)
                    assert local.status_code == 200, local.get_data(as_text=True)
                    if " " not in q:
                        bare_ms.append(bare_query_ms(bare_db, kind, q))
                    reads.append(counting.stats.docs)
                    trips.append(counting.stats.round_trips)
                over = max(trips) > budget[kind][0] or max(reads) > budget[kind][1]
                failed |= over
                print(
                    f"{kind + ', ' + label:<18} {statistics.median(latencies):>8.0f} "
                    f"{percentile(latencies, 99):>8.0f} {statistics.median(local_ms):>15.0f} "
                    f"{(f'{statistics.median(bare_ms):.0f}' if bare_ms else '-'):>15} {statistics.mean(results):>13.1f} "
                    f"{statistics.mean(reads):>15.1f} {max(reads):>5} {max(trips):>16}"
                    f"{'  OVER BUDGET' if over else ''}"
                )
        load = os.getloadavg()
        print(f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {os.cpu_count()} CPUs)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
