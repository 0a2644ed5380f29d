"""How long a notification takes: from a comment's 201 to the notification being readable.

    .venv/bin/python -m bench.notifications [--comments 20]

Starts the whole local stack (Google's Firestore emulator fires the trigger into the Functions
emulator), posts --comments comments one after another on one member's thread (each by a
different member, so no rate limit applies), and after each 201 polls the thread author's
GET /api/me/notifications every 20 ms until the notification about that comment is listed.
Prints p50, p90 and the slowest, and exits non-zero when the p50 misses the budget (2 s).
The figure includes the poll's own latency (one API call through Hosting, ~10-30 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid

from devstack.authemu import User, sign_up
from devstack.client import Api
from devstack.stack import Ports, local_stack

P50_BUDGET_S = 2.0
POLL_S = 0.02
DEADLINE_S = 30.0


def member(auth_url: str, api: Api, name: str) -> User:
    user = sign_up(auth_url, f"{name}-{uuid.uuid4().hex[:8]}@example.com", "password-123")
    api.call("GET", "/me", user)  # makes the profile
    return user


def time_one(api: Api, author: User, commenter: User, tid: str, n: int) -> float:
    """Seconds from the comment's 201 to its notification in the author's list."""
    response = api.post(f"/threads/{tid}/comments", commenter, json={"body": f"comment {n}"})
    assert response.status_code == 201, response.text
    created = time.perf_counter()
    cid = response.json()["id"]
    while time.perf_counter() - created < DEADLINE_S:
        page = api.call("GET", "/me/notifications", author, params={"limit": 5})
        # Comments on one's thread while unread are one item (a run): the newest is first in its commentIds.
        if any(cid in (item.get("commentIds") or [item["commentId"]]) for item in page["items"]):
            return time.perf_counter() - created
        time.sleep(POLL_S)
    raise RuntimeError(f"no notification for comment {n} within {DEADLINE_S} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=20)
    args = parser.parse_args()
    with local_stack(Ports.free()) as stack:
        api = Api(f"{stack.hosting_url}/api", timeout=30)
        author = member(stack.auth_url, api, "author")
        thread = api.call("POST", "/threads", author, {"title": "Latency", "body": "Comment away"})
        commenters = [member(stack.auth_url, api, f"c{n}") for n in range(args.comments)]
        time_one(api, author, member(stack.auth_url, api, "warmup"), thread["id"], -1)  # starts the worker
        times = [time_one(api, author, c, thread["id"], n) for n, c in enumerate(commenters)]
    p50 = statistics.median(times)
    p90 = statistics.quantiles(times, n=10)[-1] if len(times) >= 2 else times[0]
    print(
        f"comment 201 -> notification readable, over {len(times)} comments: "
        f"p50 {p50 * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms "
        f"(budget: p50 under {P50_BUDGET_S * 1000:.0f} ms)"
    )
    return 0 if p50 <= P50_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
