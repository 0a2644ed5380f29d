"""Start the whole forum locally, on any ports, and stop all of it afterwards.

`make dev` uses it on firebase.json's ports; the API and browser tests use it on free ports.
firebase-tools runs every emulator, Firestore included: Google's own Firestore emulator, which
enforces firestore.rules and fires Firestore triggers into the Functions emulator. How it finds
Java 21+ and the emulator's jar is devstack/toolchain.py's business.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import toolchain
from .processes import ROOT, Server, free_port, run_server, wait_for_port

PROJECT = "demo-hearth"
REGION = "us-central1"
FIREBASE = ROOT / "node_modules" / ".bin" / "firebase"
READY_FIREBASE = r"All emulators ready"
EMULATORS = "auth,firestore,functions,hosting"
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
    # The Functions emulator starts these two as well; parallel stacks each need their own.
    eventarc: int
    tasks: int

    @classmethod
    def from_firebase_json(cls) -> Ports:
        emulators = json.loads((ROOT / "firebase.json").read_text())["emulators"]
        return cls(**{name: emulators[name]["port"] for name in cls.__dataclass_fields__})

    @classmethod
    def free(cls) -> Ports:
        return cls(**{name: free_port() for name in cls.__dataclass_fields__})


@dataclass
class Stack:
    ports: Ports
    project: str = PROJECT
    firestore_jar: str = ""  # where the Firestore emulator's jar came from (toolchain.Toolchain.jar_source)
    query_log: Path | None = None  # where the function logs its Firestore queries (local_stack's query_log)
    write_log: Path | None = None  # where the function and triggers log the documents they write (write_log)
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

    def warm_background(self, workers: int = 1) -> None:
        """Start workers of the `background` task function (the Functions emulator starts one on its
        first task, importing the function: seconds on a loaded machine, longer than a fold may lag).

        workers > 1: that many at once, each held a second by a fold task for a thread that does not
        exist (the emulator starts a worker for each task in flight; its Cloud Tasks dispatch a fold
        task at once, where Cloud Tasks holds it until its time, so each waits out its period in a
        worker: about two workers per hot owner)."""
        import time
        from concurrent.futures import ThreadPoolExecutor

        import requests

        url = f"http://127.0.0.1:{self.ports.functions}/{self.project}/{REGION}/background"

        def hold(n: int) -> None:
            data = {"fold": f"threads/warm-{n}", "due": time.time() + 1.0} if workers > 1 else {}
            requests.post(url, json={"data": data}, timeout=120).raise_for_status()

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(hold, range(workers)))

    @property
    def auth_url(self) -> str:
        return f"http://{self.auth_host}"

    def logs(self) -> str:
        return "\n\n".join(f"== {name} ==\n{server.output()}" for name, server in self.servers.items())


def firebase_config(ports: Ports, *, ui: bool) -> dict:
    """firebase.json with the emulators on these ports (the Emulator UI on a free port when ui)."""
    config = json.loads((ROOT / "firebase.json").read_text())
    emulators = config["emulators"]
    for name in Ports.__dataclass_fields__:
        emulators[name] = {"host": "127.0.0.1", "port": getattr(ports, name)}
    # Firestore's websocket (the UI's realtime feed) defaults to a fixed port: give each stack its own.
    emulators["firestore"]["websocketPort"] = free_port()
    emulators["ui"] = {"enabled": ui, **({"host": "127.0.0.1", "port": free_port()} if ui else {})}
    return config


WEB_POLL_MS = 5000  # how often an open thread asks for new comments (production's default)


def web_config(stack: Stack, poll_ms: int = WEB_POLL_MS) -> dict:
    """What the web UI reads at /hearth-config.json: the demo project, this stack's Auth emulator, the poll interval."""
    return {
        "firebase": {
            "projectId": stack.project,
            "apiKey": "demo-api-key",
            "authDomain": f"{stack.project}.firebaseapp.com",
        },
        "authEmulatorUrl": stack.auth_url,
        "pollMs": poll_ms,
    }


# Locally any blog on this machine may embed Hearth (the function's HEARTH_EMBED_ORIGINS).
LOCAL_EMBED_ORIGINS = "http://localhost:*,http://127.0.0.1:*"


@contextmanager
def local_stack(
    ports: Ports,
    *,
    quiet: bool = True,
    echo: bool = False,
    data_dir: Path | None = None,
    query_log: Path | None = None,
    write_log: Path | None = None,
    faults: str | None = None,
    log: Path | None = None,
    embed_origins: str = LOCAL_EMBED_ORIGINS,
    web_poll_ms: int = WEB_POLL_MS,
) -> Iterator[Stack]:
    """Run the Firestore, Auth, Functions and Hosting emulators; stop every process on exit, even on error.

    data_dir: keep the emulators' data there between runs (imported when present, exported on exit).
    query_log: the function appends every Firestore query it runs to this file (functions/hearth/db/querylog.py).
    write_log: the function and the triggers append the documents each commit writes, and each
    background invocation, to this file (functions/hearth/db/writelog.py; devstack/writelog.py reads it).
    faults: HEARTH_FAULTS for the function (functions/hearth/faults.py), e.g. "background:0.3": that
    share of background runs fail before they write, and are retried.
    log: append the emulators' output to this file.
    web_poll_ms: how often the web UI's open thread asks for new comments (the browser tests shorten it).
    Nothing started here outlives the calling
    process, even if it is killed with SIGKILL (see processes.run_server).
    """
    tools = toolchain.resolve()
    stack = Stack(ports=ports, firestore_jar=tools.jar_source, query_log=query_log, write_log=write_log)
    # The config must sit in the project folder: firebase-tools resolves `functions` and `hosting`
    # paths relative to it. Each stack gets its own, so tests and `make dev` can run side by side.
    config_path = ROOT / f".firebase.local-{os.getpid()}-{ports.hosting}.json"
    env = {
        **tools.env(),
        "GCLOUD_PROJECT": stack.project,
        "NO_UPDATE_NOTIFIER": "1",
        "FIREBASE_CLI_EXPERIMENTS": "",
        "CI": os.environ.get("CI", "true"),
        # One thread per Python worker: functions-framework's gunicorn then runs its sync worker,
        # which closes each connection after the answer. With threads it keeps connections alive
        # for 2 s, while the Functions emulator's Node agent reuses idle ones for up to 5 s: a
        # request sent as gunicorn closes one fails as a 500 ECONNRESET (and the emulator kills
        # that worker). The emulator sends each worker one request at a time anyway.
        "THREADS": "1",
        # The Functions emulator hands its own environment on to the function: the deploy parameter.
        "HEARTH_EMBED_ORIGINS": embed_origins,
        # firebase-tools gives main.py 10 s to be imported and list its functions; on a loaded shared
        # machine that import has taken longer, and the stack then came up without the function.
        "FUNCTIONS_DISCOVERY_TIMEOUT": "60",
        # Node's default cap on a request's headers (16 KiB) made the emulators refuse a URL past about
        # 8 KiB with a bodiless 431 (Hosting's proxy hands the URL on in a header as well) before the
        # API saw it. With 64 KiB the request reaches the function's server, which answers in the
        # API's error shape: 431 from gunicorn's 8 KiB cap on one header, or the API's own answer.
        "NODE_OPTIONS": f"{os.environ.get('NODE_OPTIONS', '')} --max-http-header-size=65536".strip(),
    }
    if query_log is not None:
        # The Functions emulator hands its own environment on to the Python runtime it spawns.
        env["HEARTH_QUERY_LOG"] = str(query_log)
    if write_log is not None:
        env["HEARTH_WRITE_LOG"] = str(write_log)
    if faults:
        env["HEARTH_FAULTS"] = faults
    args = [
        str(FIREBASE),
        "emulators:start",
        "--only",
        EMULATORS,
        "--project",
        stack.project,
        "--config",
        str(config_path),
    ]
    if data_dir is not None:
        if (data_dir / "firebase-export-metadata.json").is_file():
            args += ["--import", str(data_dir)]
        args += ["--export-on-exit", str(data_dir)]
    with ExitStack() as stop:
        # firebase-tools keeps a per-project hub locator in the temp folder; a folder of its own
        # keeps stacks of the same demo project that run side by side from seeing each other.
        env["TMPDIR"] = temp_dir = stop.enter_context(tempfile.TemporaryDirectory(prefix="hearth-stack-"))
        config = firebase_config(ports, ui=toolchain.ui_cached())
        # The web UI finds this stack's Auth emulator in a per-stack file (gitignored) behind a rewrite.
        web_config_path = ROOT / "web" / f"config.local-{ports.hosting}.json"
        web_config_path.write_text(json.dumps(web_config(stack, web_poll_ms), indent=2))
        stop.callback(web_config_path.unlink, missing_ok=True)
        config["hosting"]["rewrites"].insert(0, {"source": WEB_CONFIG_URL, "destination": f"/{web_config_path.name}"})
        config_path.write_text(json.dumps(config, indent=2))
        stop.callback(config_path.unlink, missing_ok=True)
        firebase = stop.enter_context(
            run_server(
                args,
                env=env,
                echo="" if echo else None,
                log=log,
                leftovers=[config_path, web_config_path, Path(temp_dir)],
            )
        )
        stack.servers["firebase"] = firebase
        try:
            # 270 s: on a shared 2-core machine under load (8 stacks) the Functions emulator alone took ~180 s
            # to load the function; under pytest-timeout's 300 s for the first test's setup.
            firebase.wait_for_line(READY_FIREBASE, timeout=270)
            wait_for_port("127.0.0.1", ports.hosting, timeout=30)
        except Exception as exc:
            if not quiet:
                print(stack.logs(), file=sys.stderr)
            if tools.jar_source == toolchain.DOWNLOAD:
                raise toolchain.ToolchainError(toolchain.INSTALL_HINT) from exc
            raise
        yield stack
