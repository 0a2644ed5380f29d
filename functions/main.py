"""Entry points of Hearth's Cloud Functions. Only wiring lives here; the logic is in hearth/."""

from __future__ import annotations

import threading

import functions_framework
from firebase_functions import firestore_fn, https_fn, options, scheduler_fn, tasks_fn
from google.cloud import firestore
from werkzeug.exceptions import HTTPException

from hearth import background as jobs
from hearth.api.app import create_app
from hearth.api.http import http_error_response, install_server_errors
from hearth.db import writelog
from hearth.deps import Config, config_from_params, production_deps, trigger_client, utc_now

REGION = "us-central1"

# functions-framework serves `api` through a Flask app of its own, which answers what it cannot
# route (a path with a newline in it, say) before `api` runs, in HTML. Its errorhandler hook,
# set while it imports this module, makes those answers the API's JSON error shape too. Outside
# functions-framework (`firebase deploy` discovering functions, tests) it is a no-op.
functions_framework.errorhandler(HTTPException)(http_error_response)
install_server_errors()

_app = None
_db: firestore.Client | None = None
_config: Config | None = None
_lock = threading.Lock()


def _get_app():
    # Built on the first request, not at import: `firebase deploy` imports this module to
    # discover functions, and must not open Firestore clients or read parameters then.
    # The lock matters: an instance serves concurrent requests on threads, and a second
    # firebase_admin.initialize_app() would fail.
    global _app
    if _app is None:
        with _lock:
            if _app is None:
                _app = create_app(production_deps())
    return _app


def _get_db() -> firestore.Client:
    """The triggers' Firestore client, made on the first event (each function is its own service)."""
    global _db
    if _db is None:
        with _lock:
            if _db is None:
                _db = trigger_client()
    return _db


def _get_config() -> Config:
    """The parameters a trigger needs (the auto-hide threshold), read on its first event."""
    global _config
    if _config is None:
        with _lock:
            if _config is None:
                _config = config_from_params()
    return _config


@https_fn.on_request(region=REGION, memory=options.MemoryOption.MB_512, max_instances=20)
def api(req: https_fn.Request) -> https_fn.Response:
    """The JSON API, mounted by Hosting's rewrite of /api/**."""
    app = _get_app()
    with app.request_context(req.environ):
        return app.full_dispatch_request()


@firestore_fn.on_document_created(document="outbox/{itemId}", region=REGION, max_instances=20)
def on_outbox_created(event: firestore_fn.Event[firestore_fn.DocumentSnapshot | None]) -> None:
    """Background work (notifications, mentions, auto-hide), written in the commit that caused it.

    The one Firestore trigger: counter moves and folds invoke nothing. A run that fails is queued on
    the `background` task queue, which Cloud Tasks retries; the sweep catches what that misses.
    """
    writelog.invoked("on_outbox_created")
    if event.data is None:
        return
    jobs.first_run(_get_db(), event.params["itemId"], event.data.to_dict() or {}, utc_now(), _get_config())


@tasks_fn.on_task_dispatched(
    retry_config=options.RetryConfig(max_attempts=20, min_backoff_seconds=1, max_backoff_seconds=30),
    rate_limits=options.RateLimits(max_concurrent_dispatches=50),
    region=REGION,
    max_instances=20,
)
def background(req: tasks_fn.CallableRequest) -> None:
    """Retries of outbox items and counter folds (hearth/background.py); raising makes Cloud Tasks retry."""
    writelog.invoked("background")
    jobs.run_task(_get_db(), req.data or {}, utc_now, _get_config())


@scheduler_fn.on_schedule(schedule="every 1 minutes", region=REGION)
def sweep(event: scheduler_fn.ScheduledEvent) -> None:
    """Outbox items older than a minute and not done, and counters left pending (the backstop)."""
    writelog.invoked("sweep")
    jobs.sweep(_get_db(), utc_now(), _get_config())
