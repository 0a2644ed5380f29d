"""Entry points of Hearth's Cloud Functions. Only wiring lives here; the API is in hearth/."""
from __future__ import annotations

import threading

from firebase_functions import firestore_fn, https_fn, options

from hearth import reports
from hearth.app import create_app
from hearth.deps import Deps, production_deps

_app = None
_app_lock = threading.Lock()
_deps: Deps | None = None
_deps_lock = threading.Lock()


def _get_deps() -> Deps:
    """The triggers' dependencies, built on first use (never at import), once per instance."""
    global _deps
    if _deps is None:
        with _deps_lock:
            if _deps is None:
                _deps = production_deps()
    return _deps


def _get_app():
    # Built on the first request, not at import: `firebase deploy` imports this module to
    # discover functions, and must not open Firestore clients or read parameters then.
    # The lock matters: an instance serves concurrent requests on threads, and a second
    # firebase_admin.initialize_app() would fail.
    global _app
    if _app is None:
        with _app_lock:
            if _app is None:
                _app = create_app(_get_deps())
    return _app


@https_fn.on_request(region="us-central1", memory=options.MemoryOption.MB_512, max_instances=20)
def api(req: https_fn.Request) -> https_fn.Response:
    """The JSON API, mounted by Hosting's rewrite of /api/**."""
    app = _get_app()
    with app.request_context(req.environ):
        return app.full_dispatch_request()


@firestore_fn.on_document_created(document="reports/{reportId}", region="us-central1")
def on_report_created(event: firestore_fn.Event[firestore_fn.DocumentSnapshot | None]) -> None:
    """Auto-hide: a new report may bring its item to the threshold.

    Safe to run twice (delivery is at least once). Python triggers are never retried: a run that
    fails is logged by the framework, and the item's next report checks the count again.
    """
    if event.data is None:
        return
    d = _get_deps()
    reports.on_report_created(d.db, event.params["reportId"], event.data.to_dict() or {}, event.id, d.clock(),
                              d.config)
