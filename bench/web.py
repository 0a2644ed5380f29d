"""Benchmark the web UI in headless Chromium (Debian's), against the whole local stack.

    .venv/bin/python -m bench.web [--comments 200] [--runs 5]

Measures, on a thread page loaded by a signed-out reader in a fresh browser context (an empty cache):

1. JavaScript transferred on the first load of a thread page. Every script response is counted
   from Playwright's response events: the encoded (on-the-wire) body size as sent, the raw
   (decoded) size, and a gzip -9 estimate of the raw bytes (what a CDN that compresses would send).
   The budget, 250 KB, is judged on the RAW size: the strictest of the three, and independent of
   whether the server compresses (the Hosting emulator does gzip; production Hosting sends gzip
   or brotli).
2. For a thread with --comments comments (seeded through the API by many users, as the rate limit
   allows each at most 5 comments a minute: 40 roots, each with a chain of replies), the time from
   navigation start until the thread and its first page of comments are rendered
   (performance.now() noted by a MutationObserver when the last of them is in the DOM). The budget, under 1 s, is judged on the
   median of --runs loads, each in a fresh context; the slowest is printed too, and so is the
   browser's own share (from the last API answer to the rendered page), since on a shared machine
   the API's latency through the emulators varies most.

Prints the figures and exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from devstack.authemu import User, sign_up
from devstack.chromium import CHROMIUM, CHROMIUM_ARGS
from devstack.client import Api
from devstack.processes import ROOT

JS_BUDGET_BYTES = 250 * 1024
RENDER_BUDGET_MS = 1000.0
COMMENTS_PER_USER = 5  # the API's default rate limit per minute


@dataclass
class JsFigures:
    files: list[tuple[str, int, int, int]]  # (path, encoded, raw, gzip estimate)

    @property
    def encoded(self) -> int:
        return sum(f[1] for f in self.files)

    @property
    def raw(self) -> int:
        return sum(f[2] for f in self.files)

    @property
    def gzip(self) -> int:
        return sum(f[3] for f in self.files)


@dataclass
class RenderFigures:
    samples_ms: list[float]
    comments_rendered: int
    client_ms: list[float]  # the browser's share: from the last API answer to the rendered page

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)


def _post(api: str, user: User, path: str, body: dict) -> dict:
    client = Api(api, timeout=120)
    for attempt in range(5):
        response = client.post(path, user, json=body)
        if response.status_code == 429:
            time.sleep(int(response.headers.get("Retry-After", "5")))
            continue
        if response.status_code >= 500 and attempt < 4:
            time.sleep(0.5)
            continue
        response.raise_for_status()
        return response.json()
    raise RuntimeError(f"POST {path} kept failing")


def seed_thread(api: str, auth_url: str, comments: int, *, workers: int = 6, tag: str = "bench") -> str:
    """A thread with `comments` comments: a fifth are roots, each followed by a chain of replies.

    Each user writes at most 5 comments (the rate limit), so ceil(comments / 5) users take part.
    Comments are posted in rounds (roots, then each level of replies), each round in parallel.
    """
    roots = max(1, comments // COMMENTS_PER_USER)
    stamp = int(time.time() * 1000)
    with ThreadPoolExecutor(workers) as pool:
        users = list(
            pool.map(lambda n: sign_up(auth_url, f"bench{stamp}_{n}@example.com", "bench-password"), range(roots))
        )
        thread = _post(
            api,
            users[0],
            "/threads",
            {
                "title": f"A busy thread with {comments} comments",
                "body": "Measuring how fast a long discussion renders.\n\n" + "Some **markdown** text. " * 20,
                "tags": [tag],
            },
        )
        tid = thread["id"]
        left = comments
        parents: list[str | None] = [None] * roots
        chain_starts: list[str] = []
        round_no = 0
        while left > 0:
            batch = min(roots, left)

            def post(n: int, parents=parents, round_no=round_no) -> dict:
                body = {"body": f"Comment {round_no}.{n}: " + "lorem ipsum dolor sit amet " * 4}
                if parents[n]:
                    body["parentId"] = parents[n]
                return _post(api, users[n], f"/threads/{tid}/comments", body)

            made = list(pool.map(post, range(batch)))
            if round_no == 0:
                chain_starts = [c["id"] for c in made]
                parents = list(chain_starts)
            elif round_no % 2 == 0:
                parents = list(chain_starts)  # start a new chain under the root
            else:
                parents = [c["id"] for c in made] + parents[batch:]
            left -= batch
            round_no += 1
    return tid


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def measure_js(browser, url: str) -> JsFigures:
    """JavaScript fetched by a first load of url in a fresh context (empty cache)."""
    context = browser.new_context()
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r) if r.request.resource_type == "script" else None)
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector("html[data-ready]")
    files = []
    for response in responses:
        body = response.body()
        encoded = response.request.sizes()["responseBodySize"]
        files.append(
            (response.url.split("//", 1)[-1].split("/", 1)[-1], encoded, len(body), len(gzip.compress(body, 9)))
        )
    context.close()
    return JsFigures(files)


# Installed before the page's own scripts: notes performance.now() at the first DOM change after
# which the thread and its first page of comments are rendered, so the figure does not include
# Playwright's polling and round trips.
RENDERED_PROBE = """
new MutationObserver((changes, observer) => {
  if (document.querySelector('.thread h1') && document.querySelector('.comment-list > li')
      && !document.querySelector('.comments .loading')) {
    window.__hearthRenderedAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { subtree: true, childList: true });
"""


def measure_render(browser, url: str, runs: int) -> RenderFigures:
    """ms from navigation start until the thread and its first page of comments are in the DOM."""
    samples = []
    client = []
    rendered = 0
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(RENDERED_PROBE)
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__hearthRenderedAt !== undefined", timeout=30_000)
        elapsed, data_at = (
            page.evaluate("""() => [window.__hearthRenderedAt, Math.max(...performance.getEntriesByType('resource')
            .filter((e) => new URL(e.name).pathname.startsWith('/api/threads/')).map((e) => e.responseEnd))]""")
        )
        rendered = page.locator("li.comment").count()
        samples.append(elapsed)
        client.append(max(0.0, elapsed - data_at))
        context.close()
    return RenderFigures(samples, rendered, client)


def report(js: JsFigures, render: RenderFigures, comments: int) -> list[str]:
    """Print the figures; return the budgets missed."""
    print("JavaScript on the first load of a thread page:")
    for path, encoded, raw, gz in js.files:
        print(f"  /{path}: {raw / 1024:.1f} KB raw, {encoded / 1024:.1f} KB transferred, ~{gz / 1024:.1f} KB gzip")
    print(
        f"  total: {js.raw / 1024:.1f} KB raw (budget {JS_BUDGET_BYTES // 1024} KB, judged on raw), "
        f"{js.encoded / 1024:.1f} KB transferred by the Hosting emulator, ~{js.gzip / 1024:.1f} KB gzip -9"
    )
    print(f"Thread with {comments} comments ({render.comments_rendered} rendered on the first page):")
    print(
        f"  render time: median {render.median:.0f} ms, slowest {max(render.samples_ms):.0f} ms "
        f"over {len(render.samples_ms)} fresh loads (budget < {RENDER_BUDGET_MS:.0f} ms, judged on the median)"
    )
    print(
        f"  of which in the browser after the API answered: median {statistics.median(render.client_ms):.0f} ms, "
        f"slowest {max(render.client_ms):.0f} ms"
    )
    missed = []
    if js.raw > JS_BUDGET_BYTES:
        missed.append("JavaScript size")
    if render.median >= RENDER_BUDGET_MS:
        missed.append("render time")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from devstack.stack import Ports, local_stack

    if not (ROOT / "web" / "dist" / "app.js").exists():
        print("web/dist/app.js is missing: run `make setup` (or npm run build:web)", file=sys.stderr)
        return 2
    with local_stack(Ports.free()) as stack:
        api = f"{stack.hosting_url}/api"
        started = time.monotonic()
        tid = seed_thread(api, stack.auth_url, args.comments)
        print(f"Seeded a thread with {args.comments} comments in {time.monotonic() - started:.0f} s")
        url = f"{stack.hosting_url}/t/{tid}"
        with sync_playwright() as p:
            browser = launch(p)
            measure_render(browser, url, 1)  # warm the function and the emulators, not the browser
            js = measure_js(browser, url)
            render = measure_render(browser, url, args.runs)
            browser.close()
    missed = report(js, render, args.comments)
    if missed:
        print("OVER BUDGET: " + ", ".join(missed), file=sys.stderr)
        return 1
    print("Within budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
