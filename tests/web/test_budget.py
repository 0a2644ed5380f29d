"""A smaller run of bench/web.py's measurements, so the benchmark's code stays honest."""

from __future__ import annotations

from bench import web as bench


def test_thread_page_javascript_and_render_time_are_within_budget(stack, browser):
    tid = bench.seed_thread(f"{stack.hosting_url}/api", stack.auth_url, 20, workers=2)
    url = f"{stack.hosting_url}/t/{tid}"
    bench.measure_render(browser, url, 1)  # warm-up
    js = bench.measure_js(browser, url)
    assert any(path.endswith("dist/app.js") for path, *_ in js.files)
    assert 50_000 < js.raw <= bench.JS_BUDGET_BYTES
    assert 0 < js.gzip < js.raw
    render = bench.measure_render(browser, url, 3)
    assert render.comments_rendered == 20  # 4 roots, each with a chain of 4 replies
    assert all(0 < ms < 30_000 for ms in render.samples_ms)
    assert all(0 <= ms <= total for ms, total in zip(render.client_ms, render.samples_ms, strict=True))
    # The machine is shared with other test runs and the API's latency through the emulators swings
    # with their load, so this small check judges what the page controls: its share after the API
    # answered, and the fastest of three loads end to end. bench/web.py judges the median.
    assert max(render.client_ms) < bench.RENDER_BUDGET_MS / 2, render.client_ms
    assert min(render.samples_ms) < 2 * bench.RENDER_BUDGET_MS, render.samples_ms
    missed = bench.report(js, render, 20)
    assert "JavaScript size" not in missed
