import threading
import time

import main
from hearth.deps import Config, Deps, utc_now


def test_concurrent_first_requests_build_the_app_once(monkeypatch):
    built = []

    def slow_deps():
        built.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while the first is building
        return Deps(db=None, verify_token=None, config=Config(), clock=utc_now)

    monkeypatch.setattr(main, "production_deps", slow_deps)
    monkeypatch.setattr(main, "_app", None)
    apps = []
    threads = [threading.Thread(target=lambda: apps.append(main._get_app())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1
    assert len({id(a) for a in apps}) == 1


def test_importing_main_opens_no_clients():
    # `firebase deploy` imports main.py to discover functions; nothing may be built then.
    import importlib

    fresh = importlib.reload(main)
    assert fresh._app is None and fresh._db is None and fresh._config is None
    endpoint = fresh.api.__firebase_endpoint__  # what `firebase deploy` reads
    assert endpoint.region == ["us-central1"] and endpoint.httpsTrigger == {}


def test_the_one_firestore_trigger_runs_on_new_outbox_items_only():
    # What `firebase deploy` (and the Functions emulator) reads: creation of outbox items, so no
    # counter move or fold invokes anything (Python triggers are never retried: the retries are tasks).
    trigger = main.on_outbox_created.__firebase_endpoint__
    assert trigger.region == ["us-central1"]
    assert trigger.eventTrigger["eventType"] == "google.cloud.firestore.document.v1.created"
    assert trigger.eventTrigger["eventFilterPathPatterns"] == {"document": "outbox/{itemId}"}
    assert trigger.eventTrigger["retry"] is False
    triggers = [name for name in dir(main) if getattr(getattr(main, name), "__firebase_endpoint__", None)]
    firestore = [n for n in triggers if getattr(main, n).__firebase_endpoint__.eventTrigger]
    assert firestore == ["on_outbox_created"]


def test_background_work_is_retried_by_a_task_queue_and_swept_every_minute():
    queue = main.background.__firebase_endpoint__
    assert queue.taskQueueTrigger["retryConfig"]["maxAttempts"] >= 10
    assert main.sweep.__firebase_endpoint__.scheduleTrigger["schedule"] == "every 1 minutes"
