"""Nothing a launcher starts outlives it, even when it is killed with SIGKILL (devstack/reaper.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from devstack.processes import ROOT
from devstack.reaper import alive

LAUNCHER = """
import sys, time
from pathlib import Path
from devstack.processes import run_server
leftover = Path(sys.argv[1])
leftover.write_text("made for the server")
with run_server(["bash", "-c", "setsid sleep 300 & echo child $!; sleep 300"], leftovers=[leftover]) as server:
    child = server.wait_for_line(r"child (\\d+)", timeout=10).group(1)
    print("server", server.proc.pid, "child", child, flush=True)
    time.sleep(300)
"""


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_launcher_killed_with_sigkill_leaves_no_server_no_child_and_no_leftover(tmp_path: Path) -> None:
    leftover = tmp_path / "config.json"
    launcher = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(leftover)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert launcher.stdout is not None
        words = launcher.stdout.readline().split()
        assert words[0] == "server", words
        server, child = int(words[1]), int(words[3])
        assert alive(server) and alive(child) and leftover.exists()
        os.kill(launcher.pid, signal.SIGKILL)  # no finally blocks, no atexit: only the reaper is left
        launcher.wait(timeout=5)
        assert wait_until(lambda: not alive(server) and not alive(child), seconds=8)
        assert wait_until(lambda: not leftover.exists(), seconds=2)
    finally:
        try:
            os.killpg(launcher.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
