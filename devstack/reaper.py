"""A watchdog that stops a server when the process that started it dies, however it dies.

    python -m devstack.reaper --parent PID --server PID --tag TAG [--remove PATH ...]

run_server starts one beside each server. It asks the kernel for SIGTERM when its parent (the
launcher: `make dev`, a test session) dies, with PR_SET_PDEATHSIG, which fires even when the
launcher is killed with SIGKILL or its terminal closes. Then it does what the launcher would have
done on its way out: SIGINT to the server's process group, SIGKILL after a grace period, SIGKILL to
every process carrying the server's tag (firebase-tools starts the Firestore JVM in a process group
of its own), and removes the launcher's temporary files. When the launcher stops the server
itself, it kills the reaper first.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import sys
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
GRACE_SECONDS = 3.0


def ask_for_signal_on_parent_death(sig: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def alive(pid: int) -> bool:
    """True while pid runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def reap(server: int, tag: str, leftovers: list[Path]) -> None:
    """Stop the server's group, gently then not, then whatever carries its tag; remove leftovers."""
    from devstack.processes import tagged  # the same lookup the launcher uses

    signal_group(server, signal.SIGINT)
    deadline = time.monotonic() + GRACE_SECONDS
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    signal_group(server, signal.SIGKILL)
    for pid in tagged(tag):
        if pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parent", type=int, required=True, help="the launcher's pid")
    parser.add_argument("--server", type=int, required=True, help="the server's pid (its process group)")
    parser.add_argument("--tag", required=True, help="the server's HEARTH_PROCESS_TAG value")
    parser.add_argument("--remove", type=Path, action="append", default=[], help="a file or folder to delete")
    args = parser.parse_args(argv)

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # taken with sigtimedwait below
    for ignored in (signal.SIGINT, signal.SIGHUP):  # a Ctrl-C or a closed terminal is the launcher's to handle
        signal.signal(ignored, signal.SIG_IGN)
    ask_for_signal_on_parent_death(signal.SIGTERM)
    # The launcher may have died before the request above: then getppid() has changed already.
    # A server that ends on its own is the launcher's business (it stops what is left at exit).
    while os.getppid() == args.parent:
        if signal.sigtimedwait([signal.SIGTERM], 1.0) is not None:
            break
    reap(args.server, args.tag, args.remove)
    return 0


if __name__ == "__main__":
    sys.exit(main())
