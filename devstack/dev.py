"""`make dev`: the whole forum on firebase.json's ports, seeded with demo content, until Ctrl-C."""
from __future__ import annotations

import os
import signal
import sys
import threading

from .processes import ROOT
from .seed import seed
from .stack import Ports, local_stack

# `make dev KEEP=1` keeps the emulators' data here between runs (gitignored); the default starts fresh.
DATA_DIR = ROOT / ".data" / "emulators"


def main() -> int:
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    ports = Ports.from_firebase_json()
    keep = os.environ.get("KEEP") == "1"
    print("Starting Firestore, Auth, Functions and Hosting emulators...", flush=True)
    with local_stack(ports, quiet=False, echo=True, data_dir=DATA_DIR if keep else None) as stack:
        print(f"Firestore: Google's emulator on {stack.firestore_host} (jar: {stack.firestore_jar})", flush=True)
        accounts = seed(f"{stack.hosting_url}/api", stack.auth_url, stack.project)
        print("\nDemo users (email / password):")
        for handle, email, password in accounts:
            print(f"  @{handle:<6} {email} / {password}")
        print(f"\nHearth is running at {stack.hosting_url}  (API: {stack.hosting_url}/api/threads)")
        print("Press Ctrl-C to stop everything.", flush=True)
        while not stop.wait(1):
            for name, server in stack.servers.items():
                if server.proc.poll() is not None:
                    print(f"{name} exited unexpectedly:\n{server.output()[-4000:]}", file=sys.stderr)
                    return 1
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
