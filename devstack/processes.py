"""Start servers for tests in their own process group and always stop them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float) -> None:
    """Wait until host:port accepts TCP connections or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


# Every process a server starts inherits this variable with a value of its own (see run_server),
# so what it started in other process groups can be found and stopped by pid after it is gone.
TAG_VARIABLE = "HEARTH_PROCESS_TAG"


def tagged(tag: str) -> list[int]:
    """Pids of the live processes whose environment carries this server's tag."""
    needle = f"{TAG_VARIABLE}={tag}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                pids.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return pids


def stop_group(proc: subprocess.Popen, timeout: float = 10, tag: str | None = None) -> None:
    """Stop a process started with start_new_session=True, and its children, by process group.

    With tag, also stop what it started in process groups of their own (firebase-tools runs
    the Firestore emulator's JVM detached) and what a crash of it left behind.
    """
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=timeout)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=timeout)
    for pid in tagged(tag) if tag else []:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Server:
    """A started server process: its output lines so far, kept for failure messages.

    With echo (a prefix) each line is printed as it comes; with log (a path) each is appended there.
    """

    def __init__(self, proc: subprocess.Popen, echo: str | None = None, log: Path | None = None) -> None:
        self.proc = proc
        self.echo = echo
        self.log = log
        self.lines: deque[str] = deque(maxlen=500)
        self._cond = threading.Condition()
        self._eof = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        sink = self.log.open("a", buffering=1) if self.log else None
        try:
            for line in self.proc.stdout:
                if self.echo is not None:
                    print(f"{self.echo}{line}", end="", flush=True)
                if sink:
                    sink.write(line)
                with self._cond:
                    self.lines.append(line.rstrip("\n"))
                    self._cond.notify_all()
        finally:
            if sink:
                sink.close()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def wait_for_line(self, pattern: str, timeout: float) -> re.Match:
        """Wait for an output line matching pattern; raise with the output so far if it never comes."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        exited_at = None
        with self._cond:
            while True:
                for line in self.lines:
                    match = regex.search(line)
                    if match:
                        return match
                now = time.monotonic()
                if exited_at is None and self.proc.poll() is not None:
                    exited_at = now
                # After an exit, its last lines may still be on their way through the reader (a child
                # that outlives it can keep the pipe open, so EOF alone is not waited for).
                if now >= deadline or self._eof or (exited_at is not None and now - exited_at > 1.0):
                    output = "\n".join(self.lines)
                    raise RuntimeError(f"server never printed /{pattern}/; output:\n{output}")
                self._cond.wait(min(deadline - now, 0.2))

    def output(self) -> str:
        return "\n".join(self.lines)


def start_reaper(server: subprocess.Popen, tag: str, leftovers: Sequence[Path]) -> subprocess.Popen:
    """A watchdog (devstack/reaper.py) that stops the server, and removes leftovers, if this process dies.

    It learns of our death through PR_SET_PDEATHSIG, which the kernel ties to the thread that
    started it: call this from the thread that lives as long as the server should (the main one).
    """
    args = [
        sys.executable,
        "-m",
        "devstack.reaper",
        "--parent",
        str(os.getpid()),
        "--server",
        str(server.pid),
        "--tag",
        tag,
        *[arg for path in leftovers for arg in ("--remove", str(path))],
    ]
    return subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, TAG_VARIABLE: tag}, stdin=subprocess.DEVNULL, start_new_session=True
    )


@contextmanager
def run_server(
    args: list[str],
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    echo: str | None = None,
    log: Path | None = None,
    leftovers: Sequence[Path] = (),
) -> Iterator[Server]:
    """Run args in a new process group with merged stdout/stderr; stop the group on exit.

    With echo (a prefix), the output is also printed as it comes; with log, it is appended to
    that file. Nothing started here outlives this process, even killed with SIGKILL: a reaper
    then stops the server and deletes leftovers (files and folders made for it).
    """
    tag = uuid.uuid4().hex
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env={**os.environ, **(env or {}), TAG_VARIABLE: tag},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    server = Server(proc, echo, log)
    reaper = start_reaper(proc, tag, leftovers)
    try:
        yield server
    finally:
        reaper.kill()  # we stop the server ourselves: the watchdog has nothing left to do
        reaper.wait(timeout=10)
        stop_group(proc, tag=tag)
