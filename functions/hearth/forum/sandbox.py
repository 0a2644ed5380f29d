"""One render at a time in a worker process, stopped when it passes its CPU budget.

A thread cannot stop Python code that is stuck in a regular expression (Pygments' lexers are
regex machines, and the GIL is held all the while), so rendering runs in worker processes.
They are forked by multiprocessing's fork server, a clean process (never a fork of one holding
gRPC threads) that has imported the renderer and every allow-listed lexer once (render_warm.py),
so a worker replacing a killed one is ready in milliseconds. The API process waits
for the answer and watches the worker's CPU time (/proc/<pid>/stat); a worker past its budget
is killed (SIGKILL: the CPU really stops) and the request answers 422. A worker is replaced
only when one is needed again, so a stream of hostile posts costs at most the budget each.

The conversation per render (one parse, as render.render_post does it in process):
  API -> worker  ("render", source)
  worker -> API  ("handles", [candidates])     only when the post names someone
  API -> worker  {handle: uid}                 the API resolves them (one batched read)
  worker -> API  ("done", html, {handle: uid}) or ("error", message)
The time the API spends resolving handles is not charged to the worker's budget.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Mapping

from ..errors import Busy, Invalid
from . import render

# By name too: inside Sandbox, `render` is the method, not this module.
from .render import Rendered, Resolver

# What one render may cost: 4 times the largest legitimate post measured (20,000 characters of
# highlighted fences or of dense markdown: 30-60 ms), far below what a hostile one could take
# without it (tens of seconds with some lexers).
CPU_BUDGET_SECONDS = 0.25
# Wall time a render may wait on a busy machine before it is given up even if its CPU time is
# under budget (a worker that is starved, or stuck outside the CPU).
WALL_LIMIT_SECONDS = 5.0
# A render that has used this much CPU is not a normal post (the largest legitimate ones take
# 30-60 ms): its worker drops to the lowest CPU priority, so that the instance's other requests
# (and their renders) go first while it runs out its budget. A worker is never raised back
# (that needs privileges), so it is retired after that render instead of reused.
LOW_PRIORITY_AFTER_SECONDS = 0.05
LOWEST_PRIORITY = 19
MAX_WORKERS = 4
# A request waits at most this long for a free worker before it is answered 503.
ACQUIRE_SECONDS = 10.0
POLL_SECONDS = 0.02
STARTUP_SECONDS = 60.0
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class RenderTooSlow(Invalid):
    """A post whose rendering passed the CPU budget (422)."""

    def __init__(self, budget: float) -> None:
        super().__init__(
            f"this post takes too long to format (over {budget:g} s of CPU); "
            "shorten or split its code blocks, or remove unusual markup",
            field="body",
        )


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used, from /proc; None where /proc is not there."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count from after it.
    fields = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def serve(conn: Connection) -> None:
    """The worker's loop: say it is ready, then render what it is sent until its pipe closes."""
    from . import render_warm  # noqa: F401 - already imported (and so warm) in the fork server

    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        _, source = message

        def resolve(handles: list[str]) -> Mapping[str, str]:
            conn.send(("handles", handles))
            return conn.recv()

        try:
            done = render.render_post(source, resolve)
        except Exception as exc:  # noqa: BLE001 - a renderer bug: the request fails, the worker lives on
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            continue
        conn.send(("done", done.html, done.mentions))


def _context() -> Any:
    """The fork server's context where there is one (Linux), else spawn (each worker starts cold)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["hearth.forum.render_warm"])
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    process: Any
    conn: Connection
    lowered: bool = False  # its CPU priority was lowered: retire it after this render

    def lower_priority(self) -> None:
        """Put the worker behind every other process of the instance (a no-op where not allowed)."""
        self.lowered = True
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, LOWEST_PRIORITY)
        except (OSError, AttributeError):  # no setpriority (not POSIX) or not permitted: budget still holds
            pass

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=5)
        finally:
            self.conn.close()


class Sandbox:
    """A pool of render workers with a CPU budget per render; thread-safe, one per process."""

    def __init__(
        self,
        cpu_budget: float = CPU_BUDGET_SECONDS,
        max_workers: int = MAX_WORKERS,
        wall_limit: float = WALL_LIMIT_SECONDS,
    ) -> None:
        self.cpu_budget, self.max_workers, self.wall_limit = cpu_budget, max_workers, wall_limit
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self._context = _context()

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child,), daemon=True, name="hearth-render")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        # Starting up (imports, the warm-up render) is not charged to any post's budget.
        if not parent.poll(STARTUP_SECONDS) or parent.recv() != ("ready",):
            worker.kill()
            raise Busy("the forum is busy formatting posts; try again in a moment")
        return worker

    def _acquire(self) -> _Worker:
        deadline = time.monotonic() + ACQUIRE_SECONDS
        with self._cond:
            while not self._idle and self._count >= self.max_workers:
                if not self._cond.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise Busy("the forum is busy formatting posts; try again in a moment")
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return self._start()
        except BaseException:
            self._release(None)
            raise

    def _release(self, worker: _Worker | None) -> None:
        """Give a worker back (None: it is gone, make room for a new one)."""
        with self._cond:
            if worker is None:
                self._count -= 1
            else:
                self._idle.append(worker)
            self._cond.notify()

    def warm(self) -> None:
        """Start one worker ahead of the first post (spawning costs a few hundred ms)."""
        self._release(self._acquire())

    def render(self, source: str, resolve: Resolver) -> Rendered:
        """render.render_post(source, resolve) in a worker; RenderTooSlow past the CPU budget."""
        worker = self._acquire()
        ok = False
        try:
            result = self._converse(worker, source, resolve)
            ok = True
            return result
        finally:
            if ok and not worker.lowered:
                self._release(worker)
            else:  # killed, broken, lowered or interrupted mid-conversation: never reuse it
                worker.kill()
                self._release(None)

    def _converse(self, worker: _Worker, source: str, resolve: Resolver) -> Rendered:
        pid = worker.process.pid
        cpu_start = cpu_seconds(pid)
        wall_start = time.monotonic()
        excluded = 0.0  # wall time spent resolving handles here, not in the worker
        worker.conn.send(("render", source))
        while True:
            if worker.conn.poll(POLL_SECONDS):
                message = worker.conn.recv()
                if message[0] == "handles":
                    started = time.monotonic()
                    worker.conn.send(dict(resolve(message[1])))
                    excluded += time.monotonic() - started
                    continue
                if message[0] == "done":
                    return Rendered(message[1], dict(message[2]))
                raise RuntimeError(f"rendering failed in the worker: {message[1]}")
            used = cpu_seconds(pid)
            wall = time.monotonic() - wall_start - excluded
            if cpu_start is not None and used is not None:
                if used - cpu_start > self.cpu_budget or wall > self.wall_limit:
                    raise RenderTooSlow(self.cpu_budget)
                if not worker.lowered and used - cpu_start > LOW_PRIORITY_AFTER_SECONDS:
                    worker.lower_priority()
            elif wall > self.cpu_budget:  # no /proc: wall time is all there is to go by
                raise RenderTooSlow(self.cpu_budget)
            if not worker.process.is_alive():
                raise RuntimeError("the render worker died")
