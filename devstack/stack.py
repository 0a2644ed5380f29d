"""Start the whole forum locally, on any ports, and stop all of it afterwards.

`make dev` uses it on firebase.json's ports; the API and browser tests use it on free ports.
Firestore is Google's emulator when it can start here (Java 21 or newer and its JAR already
cached, since the JAR cannot be downloaded), otherwise the project's own (emulator/).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import firestore as hearth_firestore
from .processes import ROOT, Server, free_port, run_server, wait_for_port

PROJECT = "demo-hearth"
REGION = "us-central1"
FIREBASE = ROOT / "node_modules" / ".bin" / "firebase"
READY_FIREBASE = r"All emulators ready"
# The web UI's runtime config: Hosting serves /hearth-config.json from this per-stack file.
WEB_CONFIG_URL = "/hearth-config.json"


@dataclass(frozen=True)
class Ports:
    firestore: int
    auth: int
    functions: int
    hosting: int
    hub: int
    logging: int

    @classmethod
    def from_firebase_json(cls) -> "Ports":
        emulators = json.loads((ROOT / "firebase.json").read_text())["emulators"]
        return cls(**{name: emulators[name]["port"] for name in cls.__dataclass_fields__})

    @classmethod
    def free(cls) -> "Ports":
        return cls(**{name: free_port() for name in cls.__dataclass_fields__})


@dataclass
class Stack:
    ports: Ports
    project: str = PROJECT
    firestore_kind: str = "hearth"
    servers: dict[str, Server] = field(default_factory=dict)

    @property
    def firestore_host(self) -> str:
        return f"127.0.0.1:{self.ports.firestore}"

    @property
    def auth_host(self) -> str:
        return f"127.0.0.1:{self.ports.auth}"

    @property
    def hosting_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.hosting}"

    @property
    def function_url(self) -> str:
        """The `api` function called directly on the Functions emulator (paths then start with /api)."""
        return f"http://127.0.0.1:{self.ports.functions}/{self.project}/{REGION}/api"

    @property
    def auth_url(self) -> str:
        return f"http://{self.auth_host}"

    def logs(self) -> str:
        return "\n\n".join(f"== {name} ==\n{server.output()}" for name, server in self.servers.items())


def java_major() -> int:
    """The major version of the `java` on PATH, 0 when there is none."""
    if not shutil.which("java"):
        return 0
    out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else 0


def google_firestore_available() -> bool:
    """Google's emulator can start offline: Java 21+ and its JAR already in firebase-tools' cache."""
    cache = Path(os.environ.get("FIREBASE_EMULATORS_PATH", Path.home() / ".cache" / "firebase" / "emulators"))
    return java_major() >= 21 and any(cache.glob("cloud-firestore-emulator-*.jar"))


def firebase_config(ports: Ports, with_firestore: bool) -> dict:
    """firebase.json with the emulators on these ports."""
    config = json.loads((ROOT / "firebase.json").read_text())
    emulators = config["emulators"]
    for name in Ports.__dataclass_fields__:
        emulators[name] = {"host": "127.0.0.1", "port": getattr(ports, name)}
    if not with_firestore:
        emulators.pop("firestore")
    return config


def web_config(stack: "Stack") -> dict:
    """What the web UI reads at /hearth-config.json: the demo project and this stack's Auth emulator."""
    return {
        "firebase": {"projectId": stack.project, "apiKey": "demo-api-key", "authDomain": f"{stack.project}.firebaseapp.com"},
        "authEmulatorUrl": stack.auth_url,
        "pollMs": int(os.environ.get("HEARTH_WEB_POLL_MS", "5000")),
    }


def choose_firestore(preference: str) -> str:
    """'google' or 'hearth': HEARTH_FIRESTORE=google|hearth|auto picks; auto prefers Google's."""
    if preference == "google" or (preference == "auto" and google_firestore_available()):
        return "google"
    return "hearth"


@contextmanager
def local_stack(ports: Ports, *, firestore: str | None = None, quiet: bool = True,
                echo: bool = False) -> Iterator[Stack]:
    """Run Firestore, Auth, Functions and Hosting emulators; stop every process on exit, even on error."""
    stack = Stack(ports=ports, firestore_kind=choose_firestore(firestore or os.environ.get("HEARTH_FIRESTORE", "auto")))
    use_google = stack.firestore_kind == "google"
    # The config must sit in the project folder: firebase-tools resolves `functions` and `hosting`
    # paths relative to it. Each stack gets its own, so tests and `make dev` can run side by side.
    config_path = ROOT / f".firebase.local-{os.getpid()}-{ports.hosting}.json"
    env = {
        "FIRESTORE_EMULATOR_HOST": stack.firestore_host,
        "GCLOUD_PROJECT": stack.project,
        "NO_UPDATE_NOTIFIER": "1",
        "FIREBASE_CLI_EXPERIMENTS": "",
        "CI": os.environ.get("CI", "true"),
    }
    with ExitStack() as stop:
        config = firebase_config(ports, use_google)
        # The web UI finds this stack's Auth emulator in a per-stack file (gitignored) behind a rewrite.
        web_config_path = ROOT / "web" / f"config.local-{ports.hosting}.json"
        web_config_path.write_text(json.dumps(web_config(stack), indent=2))
        stop.callback(web_config_path.unlink, missing_ok=True)
        config["hosting"]["rewrites"].insert(0, {"source": WEB_CONFIG_URL, "destination": f"/{web_config_path.name}"})
        config_path.write_text(json.dumps(config, indent=2))
        stop.callback(config_path.unlink, missing_ok=True)
        if not use_google:
            server = stop.enter_context(hearth_firestore.start(
                "--host", "127.0.0.1", "--port", str(ports.firestore), echo="[firestore] " if echo else None))
            stack.servers["firestore"] = server
            hearth_firestore.wait_ready(server, timeout=60)
        only = "auth,functions,hosting" + (",firestore" if use_google else "")
        firebase = stop.enter_context(run_server(
            [str(FIREBASE), "emulators:start", "--only", only, "--project", stack.project,
             "--config", str(config_path)],
            env=env,
            echo="" if echo else None,
        ))
        stack.servers["firebase"] = firebase
        try:
            firebase.wait_for_line(READY_FIREBASE, timeout=180)
            wait_for_port("127.0.0.1", ports.hosting, timeout=30)
        except Exception:
            if not quiet:
                print(stack.logs(), file=sys.stderr)
            raise
        yield stack
