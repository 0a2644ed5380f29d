"""Command-line behaviour of the project's own emulator (startup, options, shutdown).

These start their own emulator processes, so they run only against the project's emulator.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from google.api_core import exceptions
from google.cloud import firestore

from devstack import firestore as hearth_firestore
from tests.support.processes import free_port, stop_group


def _start(args, env=None):
    return hearth_firestore.start(*args, env=env)


@pytest.fixture
def own_host(monkeypatch):
    """Point clients at an emulator the test starts itself; restored afterwards."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "unset")

    def use(server):
        host = hearth_firestore.wait_ready(server)
        monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", host)
        return host

    return use


def test_port_defaults_to_the_port_environment_variable(own_host):
    port = free_port()
    with _start(["--host", "127.0.0.1"], env={"PORT": str(port)}) as server:
        host = own_host(server)
        assert host == f"127.0.0.1:{port}"
        with urllib.request.urlopen(f"http://{host}/", timeout=5) as resp:
            assert resp.status == 200


def test_sigterm_stops_the_emulator_cleanly(own_host):
    with _start(["--host", "127.0.0.1", "--port", "0"]) as server:
        own_host(server)
        server.proc.terminate()
        assert server.proc.wait(timeout=15) == 0
        assert "Firestore emulator stopped" in server.output()
        assert "Traceback" not in server.output()


def test_lock_timeout_aborts_a_write_blocked_by_an_open_transaction(own_host):
    with _start(["--host", "127.0.0.1", "--port", "0", "--lock-timeout", "1"]) as server:
        own_host(server)
        db = firestore.Client(project="locks")
        ref = db.document("c/d")
        ref.set({"v": 1})
        api = db._firestore_api
        database = "projects/locks/databases/(default)"
        txn = api.begin_transaction(request={"database": database}).transaction
        list(api.batch_get_documents(request={
            "database": database, "documents": [ref._document_path], "transaction": txn}))
        start = time.monotonic()
        with pytest.raises(exceptions.Aborted):
            api.commit(request={"database": database, "writes": [
                {"update": {"name": ref._document_path, "fields": {"v": {"integer_value": 2}}}}]},
                retry=None)
        assert 0.8 < time.monotonic() - start < 5
        api.rollback(request={"database": database, "transaction": txn})
        ref.set({"v": 3})
        assert ref.get().get("v") == 3


def test_enforce_indexes_option_refuses_queries_without_an_index(own_host, tmp_path):
    spec = {"indexes": [{"collectionGroup": "threads", "queryScope": "COLLECTION", "fields": [
        {"fieldPath": "status", "order": "ASCENDING"}, {"fieldPath": "score", "order": "DESCENDING"}]}],
        "fieldOverrides": []}
    path = tmp_path / "firestore.indexes.json"
    path.write_text(json.dumps(spec))
    with _start(["--host", "127.0.0.1", "--port", "0", "--enforce-indexes", str(path)]) as server:
        own_host(server)
        db = firestore.Client(project="indexed")
        threads = db.collection("threads")
        threads.document("a").set({"status": "visible", "score": 3, "author": "x"})
        served = threads.where(filter=firestore.FieldFilter("status", "==", "visible")).order_by(
            "score", direction=firestore.Query.DESCENDING)
        assert [d.id for d in served.stream()] == ["a"]
        unserved = threads.where(filter=firestore.FieldFilter("author", "==", "x")).order_by("score")
        with pytest.raises(exceptions.FailedPrecondition):
            list(unserved.stream())


def test_many_concurrent_connections_are_served(own_host):
    with _start(["--host", "127.0.0.1", "--port", "0"]) as server:
        own_host(server)
        errors = []

        def worker(i):
            try:
                client = firestore.Client(project="conns")
                client.document(f"c/{i}").set({"i": i})
                assert client.document(f"c/{i}").get().get("i") == i
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        stop_group(server.proc)
        assert "Traceback" not in server.output()
