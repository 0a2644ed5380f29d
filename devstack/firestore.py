"""Run the project's own Firestore emulator (emulator/) as a child process.

The one place that knows its command line and its ready line; the stack, the tests and the
benchmark all start it through here.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import ContextManager, Iterator

from .processes import ROOT, Server, run_server

READY = r"Firestore emulator listening on (\S+):(\d+)"


def start(*args: str, env: dict[str, str] | None = None, echo: str | None = None) -> ContextManager[Server]:
    """The emulator with these command-line arguments, in its own process group, stopped on exit."""
    return run_server([sys.executable, "-m", "firestore_emulator", *args],
                      env={"PYTHONPATH": str(ROOT / "emulator"), **(env or {})}, echo=echo)


def wait_ready(server: Server, timeout: float = 30) -> str:
    """host:port once the emulator accepts connections (raises with its output if it never does)."""
    match = server.wait_for_line(READY, timeout=timeout)
    return f"{match.group(1)}:{match.group(2)}"


@contextmanager
def running(*args: str, port: int = 0, echo: str | None = None) -> Iterator[str]:
    """An emulator on 127.0.0.1 (a free port by default), ready; yields its host:port."""
    with start("--host", "127.0.0.1", "--port", str(port), *args, echo=echo) as server:
        yield wait_ready(server, timeout=60)
