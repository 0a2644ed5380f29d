"""What every test directory shares: ONE local stack (the Firebase emulators on free ports) for the
API tests and the browser tests alike, started when the first test needs it and stopped at the end."""

from __future__ import annotations

import subprocess
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from devstack.processes import ROOT
from devstack.stack import Ports, Stack, local_stack

# How often an open thread asks for new comments in the browser tests (production waits 5 s).
WEB_POLL_MS = 1500


def build_web() -> None:
    """Build web/dist/app.js when a source is newer (make does it too; this keeps pytest alone honest)."""
    out = ROOT / "web" / "dist" / "app.js"
    sources = [*(ROOT / "web" / "src").rglob("*.js"), ROOT / "package-lock.json"]
    if not out.exists() or max(p.stat().st_mtime for p in sources) > out.stat().st_mtime:
        subprocess.run(["npm", "run", "--silent", "build:web"], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The stack; its function logs every Firestore query it runs to stack.query_log (tests/api/test_indexes.py)
    and every document it writes to stack.write_log (tests/api/test_write_counts.py)."""
    build_web()
    logs = tmp_path_factory.mktemp("firestore")
    with local_stack(
        Ports.free(),
        quiet=False,
        query_log=logs / "queries.jsonl",
        write_log=logs / "writes.jsonl",
        web_poll_ms=WEB_POLL_MS,
    ) as running:
        running.warm_background()
        yield running


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """A failed test that used the stack shows the tail of the emulators' log (the function's traceback is there)."""
    report = yield
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(running, Stack):
        report.sections.append(("local stack log (tail)", running.logs()[-8000:]))
    return report
