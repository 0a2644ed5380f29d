"""How the stack finds Java 21+ and the Firestore emulator's jar (devstack/toolchain.py)."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from devstack import toolchain


@pytest.fixture
def fake_gcloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A gcloud SDK root holding the component's jar; no firebase-tools cache."""
    root = tmp_path / "google-cloud-sdk"
    jar = root / toolchain.GCLOUD_JAR
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"not really a jar")
    monkeypatch.setattr(toolchain, "sdk_roots", lambda: [root])
    monkeypatch.setattr(toolchain, "WRAPPER", tmp_path / "wrapper" / "firestore.jar")
    monkeypatch.setenv("FIREBASE_EMULATORS_PATH", str(tmp_path / "cache"))
    return jar


def manifest_entries(raw: bytes) -> dict[str, str]:
    """Unfold a jar manifest (continuation lines start with a space) into its entries."""
    text = raw.decode().replace("\r\n ", "")
    return dict(line.split(": ", 1) for line in text.split("\r\n") if line)


def test_manifest_lines_fold_at_72_bytes_and_unfold_to_the_class_path() -> None:
    target = Path("/opt/" + "very-long-folder-name/" * 6 + "cloud-firestore-emulator.jar")
    raw = toolchain.manifest(target)
    assert all(len(line) <= 72 for line in raw.split(b"\r\n"))
    entries = manifest_entries(raw)
    assert entries["Main-Class"] == toolchain.MAIN_CLASS
    assert entries["Class-Path"] == target.as_uri()


def test_gcloud_jar_is_used_through_a_manifest_only_wrapper(fake_gcloud: Path) -> None:
    tools = toolchain.resolve()
    assert tools.firestore_jar == toolchain.WRAPPER
    assert tools.env()["FIRESTORE_EMULATOR_BINARY_PATH"] == str(toolchain.WRAPPER)
    with zipfile.ZipFile(toolchain.WRAPPER) as jar:
        assert jar.namelist() == ["META-INF/MANIFEST.MF"]
        assert manifest_entries(jar.read("META-INF/MANIFEST.MF"))["Class-Path"] == fake_gcloud.as_uri()


def test_wrapper_is_not_rewritten_when_unchanged(fake_gcloud: Path) -> None:
    first = toolchain.write_wrapper(fake_gcloud)
    before = first.stat().st_mtime_ns
    assert toolchain.write_wrapper(fake_gcloud).stat().st_mtime_ns == before


def test_firebase_tools_cache_wins_and_sets_no_override(fake_gcloud: Path, tmp_path: Path) -> None:
    info = json.loads((toolchain.FIREBASE_TOOLS / "lib/emulator/downloadableEmulatorInfo.json").read_text())
    cached = tmp_path / "cache" / info["firestore"]["downloadPathRelativeToCacheDir"]
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"jar")
    tools = toolchain.resolve()
    assert tools.firestore_jar is None
    assert "FIRESTORE_EMULATOR_BINARY_PATH" not in tools.env()
    assert str(cached) in tools.jar_source


def test_without_any_jar_firebase_tools_may_download(fake_gcloud: Path) -> None:
    fake_gcloud.unlink()
    tools = toolchain.resolve()
    assert tools.jar_source == toolchain.DOWNLOAD and tools.firestore_jar is None


def test_java_on_the_path_for_firebase_tools_is_21_or_newer() -> None:
    java = toolchain.java_bin() / "java"
    assert toolchain.java_major(java) >= toolchain.MIN_JAVA
    assert toolchain.Toolchain(toolchain.java_bin(), None, "").env()["PATH"].startswith(str(toolchain.java_bin()))


def test_exports_can_be_evaluated_by_a_shell(fake_gcloud: Path) -> None:
    script = toolchain.exports(toolchain.resolve()) + 'echo "$FIRESTORE_EMULATOR_BINARY_PATH"; java -version 2>&1'
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == str(toolchain.WRAPPER)
    assert toolchain.java_major(toolchain.java_bin() / "java") >= 21
