"""`make dev`: the whole forum on firebase.json's ports, seeded with demo content, until Ctrl-C.

It prints what a person needs (progress, the demo users, the URL, and errors in full); the
emulators' own output goes to a log file whose path it prints. `VERBOSE=1` prints that output
too. `HEARTH_DEV_PORTS=free` runs on free ports instead of firebase.json's and `HEARTH_DEV_LOG`
names another log file (the launcher's tests use both). Nothing it starts outlives it, even killed with SIGKILL (devstack/reaper.py).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from .processes import ROOT, free_port, run_server, wait_for_port
from .seed import MODERATORS, seed, seeded
from .stack import Ports, Stack, local_stack

# `make dev KEEP=1` keeps the emulators' data here between runs (gitignored); the default starts fresh.
DATA_DIR = ROOT / ".data" / "emulators"
LOG_DIR = ROOT / ".data" / "logs"
LOG_TAIL_LINES = 60
BLOG_PORT = 5002  # the demo blog (examples/blog/): another origin, whose pages embed Hearth


def say(message: str = "") -> None:
    print(message, flush=True)


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log written)"


def fail(what: str, log: Path, exc: BaseException | None = None) -> int:
    """Say in full what went wrong: the error, the end of the emulators' log, and where the rest is."""
    print(f"\n{what}", file=sys.stderr)
    if exc is not None:
        print("".join(traceback.format_exception(exc)).rstrip(), file=sys.stderr)
    print(f"\nLast lines of the emulators' log ({log}):\n{log_tail(log)}", file=sys.stderr)
    return 1


def describe(stack: Stack) -> str:
    p = stack.ports
    return (
        f"Firestore 127.0.0.1:{p.firestore}, Auth 127.0.0.1:{p.auth}, Functions 127.0.0.1:{p.functions}, "
        f"Hosting 127.0.0.1:{p.hosting} (hub {p.hub}, logging {p.logging}, eventarc {p.eventarc}, tasks {p.tasks})"
    )


def main() -> int:
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: stop.set())  # a closed terminal stops it cleanly too
    ports = Ports.free() if os.environ.get("HEARTH_DEV_PORTS") == "free" else Ports.from_firebase_json()
    keep = os.environ.get("KEEP") == "1"
    verbose = os.environ.get("VERBOSE") == "1"
    log = Path(os.environ.get("HEARTH_DEV_LOG") or LOG_DIR / "emulators.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("")  # this run's output only

    say("Starting the Firebase emulators (Firestore, Auth, Functions, Hosting); this takes a minute…")
    say(f"  their output goes to {log}" + ("" if verbose else "  (VERBOSE=1 prints it here too)"))
    started = time.monotonic()
    try:
        faults = os.environ.get("HEARTH_FAULTS")  # e.g. background:0.3 (functions/hearth/faults.py)
        if faults:
            say(f"  with injected faults: HEARTH_FAULTS={faults}")
        writes = os.environ.get("HEARTH_WRITE_LOG")  # every document each commit writes (db/writelog.py)
        with local_stack(
            ports,
            quiet=True,
            echo=verbose,
            data_dir=DATA_DIR if keep else None,
            log=log,
            faults=faults,
            write_log=Path(writes) if writes else None,
        ) as stack:
            say(f"Emulators ready in {time.monotonic() - started:.0f} s: {describe(stack)}")
            say(f"  Firestore is Google's emulator (jar: {stack.firestore_jar})")
            say(
                "Keeping the data of the last run (KEEP=1)…"
                if keep and seeded(stack.auth_url)
                else "Seeding demo content through the API…"
            )
            try:
                accounts = seed(f"{stack.hosting_url}/api", stack.auth_url, stack.project)
            except Exception as exc:  # noqa: BLE001 - said in full, then everything stops
                return fail("Seeding the demo content failed:", log, exc)
            say("\nDemo users (email / password):")
            for handle, email, password in accounts:
                role = "moderator: the queue, the log, hiding, suspensions" if handle in MODERATORS else "member"
                say(f"  @{handle:<6} {email:<20} / {password}   {role}")
            blog_port = free_port() if os.environ.get("HEARTH_DEV_PORTS") == "free" else BLOG_PORT
            with run_server(
                [sys.executable, "-m", "devstack.blog", str(blog_port), stack.hosting_url], log=log
            ) as blog:
                stack.servers["blog"] = blog
                try:
                    wait_for_port("127.0.0.1", blog_port, timeout=30)
                except Exception as exc:  # noqa: BLE001 - said in full, then everything stops
                    return fail("The demo blog did not start.", log, exc)
                say(f"\nHearth is running at {stack.hosting_url}  (API: {stack.hosting_url}/api/threads)")
                say(f"A demo blog that embeds it: http://localhost:{blog_port}  (examples/blog/)")
                say("Press Ctrl-C to stop everything.")
                while not stop.wait(1):
                    for name, server in stack.servers.items():
                        if server.proc.poll() is not None:
                            return fail(f"The {name} process exited unexpectedly (code {server.proc.returncode}).", log)
                say("\nStopping…")
    except Exception as exc:  # noqa: BLE001 - the stack never came up: say why, in full
        return fail("The emulators did not start.", log, exc)
    say("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
