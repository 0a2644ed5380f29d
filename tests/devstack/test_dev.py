"""`make dev` (devstack/dev.py): what it prints, where the emulators' output goes, and that a hard
kill of it (SIGKILL, as a closed terminal or `kill -9` would) leaves no server and no port behind."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from devstack.processes import ROOT

MARK = "HEARTH_TEST_LAUNCH"


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def marked(mark: str) -> list[int]:
    """Live processes whose environment carries this launch's mark (everything it started inherits it)."""
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    stat = (entry / "stat").read_text()
                    if stat.rsplit(") ", 1)[1][0] != "Z":
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_make_dev_prints_what_matters_and_a_sigkill_leaves_nothing_running(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    log = tmp_path / "emulators.log"
    env = {**os.environ, "HEARTH_DEV_PORTS": "free", "HEARTH_DEV_LOG": str(log), MARK: mark}
    env.pop("VERBOSE", None)
    launcher = subprocess.Popen(
        [sys.executable, "-m", "devstack.dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    printed: list[str] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert launcher.stdout is not None
            line = launcher.stdout.readline()
            if not line:
                break
            printed.append(line.rstrip("\n"))
            if line.startswith("Hearth is running at"):
                break
        output = "\n".join(printed)
        assert printed and printed[-1].startswith("Hearth is running at http://127.0.0.1:"), output
        # Progress, the demo users and the URL; the emulators' output is in the log, not here.
        assert "Seeding demo content through the API…" in output
        assert re.search(r"@ada\s+ada@example\.com\s+/ hearth-demo", output)  # emails padded to a column
        assert f"their output goes to {log}" in output
        assert not re.search(
            r"functions|GET /|POST /|WARNING|Terminated|MetadataLookup",
            output.replace("Firebase emulators (Firestore, Auth, Functions, Hosting)", ""),
        ), output
        assert len(printed) <= 16, output
        assert "All emulators ready" in log.read_text()
        # The demo blog (another origin) is up, with Hearth's URL filled into its snippet.
        assert launcher.stdout is not None
        blog_line = launcher.stdout.readline()
        blog = re.fullmatch(r"A demo blog that embeds it: (http://localhost:\d+)  \(examples/blog/\)\n", blog_line)
        assert blog, blog_line
        hearth = printed[-1].split()[4]
        index = urllib.request.urlopen(blog[1].replace("localhost", "127.0.0.1") + "/", timeout=10).read().decode()
        assert f'<script src="{hearth}/count.js" async></script>' in index
        ports = [
            int(p)
            for p in re.findall(
                r"127\.0\.0\.1:(\d+)", next(line for line in printed if line.startswith("Emulators ready"))
            )
        ]
        assert len(ports) == 4 and not any(port_free(p) for p in ports)
        assert len(marked(mark)) > 3  # the launcher, the reaper, firebase-tools, the JVM, the function...

        os.kill(launcher.pid, signal.SIGKILL)
        launcher.wait(timeout=5)
        assert wait_until(lambda: all(port_free(p) for p in ports), seconds=15), "ports still held"
        assert wait_until(lambda: not marked(mark), seconds=10), f"still running: {marked(mark)}"
    finally:
        for pid in marked(mark):  # never leave this test's processes behind, whatever failed
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
