"""Servers started for the stack are stopped with everything they started (devstack/processes.py)."""

from __future__ import annotations

import os
import time

from devstack.processes import run_server


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead for our purpose
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_a_child_in_its_own_process_group_is_stopped_with_its_server() -> None:
    # Like firebase-tools with the Firestore JVM: the child leaves the server's process group.
    with run_server(["bash", "-c", "setsid sleep 300 & echo child $!; wait"]) as server:
        child = int(server.wait_for_line(r"child (\d+)", timeout=10).group(1))
        assert alive(child)
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_an_orphan_left_by_a_crashed_server_is_stopped_too() -> None:
    with run_server(["bash", "-c", "setsid sleep 300 & echo child $!; exit 3"]) as server:
        child = int(server.wait_for_line(r"child (\d+)", timeout=10).group(1))
        server.proc.wait(timeout=10)
        assert alive(child)  # reparented, no longer the server's
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
