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


def test_auto_hide_runs_on_each_new_report_document():
    # What `firebase deploy` reads: a Firestore trigger on report creation (never retried, so idempotent).
    trigger = main.on_report_created.__firebase_endpoint__
    assert trigger.region == ["us-central1"]
    assert trigger.eventTrigger["eventType"] == "google.cloud.firestore.document.v1.created"
    assert trigger.eventTrigger["eventFilterPathPatterns"] == {"document": "reports/{reportId}"}
    assert trigger.eventTrigger["retry"] is False


def test_the_notification_triggers_watch_comments_and_threads():
    # What `firebase deploy` (and the Functions emulator) reads to subscribe them to Firestore.
    expected = {
        "notify_on_comment": "threads/{threadId}/comments/{commentId}",
        "notify_on_thread": "threads/{threadId}",
    }
    for name, document in expected.items():
        trigger = getattr(main, name).__firebase_endpoint__.eventTrigger
        assert trigger["eventType"] == "google.cloud.firestore.document.v1.written"
        assert trigger["eventFilterPathPatterns"] == {"document": document}
        assert trigger["retry"] is False  # Python triggers are never retried: the fan-out is idempotent instead
