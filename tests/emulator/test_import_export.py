"""Import and export of the project's own emulator (--import / --export-on-exit).

These start their own emulator processes, so they run only against the project's emulator,
never against Google's (which has its own export format).
"""
from __future__ import annotations

import json
import os

from google.cloud import firestore

from devstack import firestore as hearth_firestore
from tests.support.processes import stop_group



def _start(args):
    return hearth_firestore.start("--host", "127.0.0.1", "--port", "0", *args)


def _client(server, project, database="(default)"):
    os.environ["FIRESTORE_EMULATOR_HOST"] = hearth_firestore.wait_ready(server)
    return firestore.Client(project=project, database=database)


def test_our_emulator_exports_on_exit_and_imports_on_start(tmp_path, monkeypatch):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "unset")
    export_dir = tmp_path / "export"
    with _start(["--export-on-exit", str(export_dir)]) as server:
        db = _client(server, "seeded")
        other = firestore.Client(project="seeded", database="second")
        db.document("threads/t1").set({"title": "Hello", "tags": ["a", "b"], "n": 3})
        db.document("threads/t1/comments/c1").set({"body": "first", "at": firestore.SERVER_TIMESTAMP})
        db.document("gone/x").set({"v": 1})
        db.document("gone/x").delete()
        other.document("cfg/main").set({"flag": True})
        created = db.document("threads/t1").get()
        stop_group(server.proc)
        assert "Exported 3 documents" in server.output()
    assert (export_dir / "firestore_emulator_export.json").exists()

    with _start(["--import", str(export_dir)]) as server:
        db = _client(server, "seeded")
        snap = db.document("threads/t1").get()
        assert snap.to_dict() == {"title": "Hello", "tags": ["a", "b"], "n": 3}
        assert snap.create_time == created.create_time
        assert snap.update_time == created.update_time
        assert db.document("threads/t1/comments/c1").get().get("body") == "first"
        assert not db.document("gone/x").get().exists
        assert firestore.Client(project="seeded", database="second").document("cfg/main").get().get("flag") is True
        later = db.document("threads/t2").set({"title": "after import"})
        assert later.update_time > snap.update_time


def test_our_emulator_export_is_plain_json(tmp_path, monkeypatch):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "unset")
    with _start(["--export-on-exit", str(tmp_path)]) as server:
        db = _client(server, "jsonproj")
        db.document("a/b").set({"s": "v"})
        stop_group(server.proc)
    meta = json.loads((tmp_path / "firestore_emulator_export.json").read_text())
    (entry,) = meta["databases"]
    payload = json.loads((tmp_path / entry["file"]).read_text())
    assert payload["project"] == "jsonproj"
    assert payload["documents"][0]["fields"]["s"] == {"string_value": "v"}
