"""Run the security-rules tests (tests/rules/, node's test runner) on Google's Firestore emulator.

firebase-tools starts the emulator with `emulators:exec`, which hands the tests
FIRESTORE_EMULATOR_HOST and GCLOUD_PROJECT and stops the emulator afterwards. The emulators get
free ports from a config of their own, so the run can share the machine with `make dev` and the
other suites. The exit status is the tests'.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from . import toolchain
from .processes import ROOT
from .stack import FIREBASE, Ports, firebase_config

PROJECT = "demo-hearth-rules"
REPORT = "test-results/rules-tests.txt"
# Dots on the console, every test by name in REPORT. The shell firebase-tools runs the script with
# expands the glob (node 20 takes no glob itself).
TESTS = (
    "node --test --test-reporter=dot --test-reporter-destination=stdout "
    f"--test-reporter=spec --test-reporter-destination={REPORT} tests/rules/*.test.mjs"
)


def main() -> int:
    try:
        tools = toolchain.resolve()
    except toolchain.ToolchainError as exc:
        print(exc, file=sys.stderr)
        return 1
    (ROOT / REPORT).parent.mkdir(exist_ok=True)
    config_path = ROOT / f".firebase.local-{os.getpid()}-rules.json"
    config_path.write_text(json.dumps(firebase_config(Ports.free(), ui=False), indent=2))
    env = {**os.environ, **tools.env(), "NO_UPDATE_NOTIFIER": "1", "CI": os.environ.get("CI", "true")}
    args = [
        str(FIREBASE),
        "emulators:exec",
        "--only",
        "firestore",
        "--project",
        PROJECT,
        "--config",
        str(config_path),
        TESTS,
    ]
    try:
        # firebase-tools keeps a per-project hub locator in the temp folder: one of its own per run.
        with tempfile.TemporaryDirectory(prefix="hearth-rules-") as tmp:
            code = subprocess.run(args, cwd=ROOT, env={**env, "TMPDIR": tmp}, check=False).returncode
    finally:
        config_path.unlink(missing_ok=True)
    summary = ROOT / REPORT
    if summary.is_file():  # the spec reporter's closing counts (tests, pass, fail, ...)
        print("".join(line for line in summary.read_text().splitlines(keepends=True) if line.startswith("ℹ")))
    if code != 0 and tools.jar_source == toolchain.DOWNLOAD:
        print(toolchain.INSTALL_HINT, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
