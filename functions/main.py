"""Entry points of Hearth's Cloud Functions. Only wiring lives here; the logic is in hearth/."""

from __future__ import annotations

import threading

import functions_framework
from firebase_functions import firestore_fn, https_fn, options
from google.cloud import firestore
from werkzeug.exceptions import HTTPException

from hearth.api.app import create_app
from hearth.api.http import http_error_response, install_server_errors
from hearth.db import writelog
from hearth.deps import Config, config_from_params, production_deps, trigger_client, utc_now
from hearth.moderation import reports
from hearth.notifications import fanout

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


# Written, not created + updated: one function per collection sees both a new post and an edit
# (the mentions an edit adds). Updates that only move counters return before any read.
@firestore_fn.on_document_written(document="threads/{threadId}/comments/{commentId}", region=REGION, max_instances=20)
def notify_on_comment(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    """Replies, comments on one's thread and @mentions, from a new or edited comment."""
    writelog.invoked("notify_on_comment")
    before, after = fanout.data_of(event.data.before), fanout.data_of(event.data.after)
    fanout.run(
        event.id,
        event.document,
        lambda: fanout.on_comment_written(
            _get_db(), event.params["threadId"], event.params["commentId"], before, after
        ),
    )


@firestore_fn.on_document_written(document="threads/{threadId}", region=REGION, max_instances=20)
def notify_on_thread(event: firestore_fn.Event[firestore_fn.Change[firestore_fn.DocumentSnapshot | None]]) -> None:
    """@mentions in a new or edited thread."""
    writelog.invoked("notify_on_thread")
    before, after = fanout.data_of(event.data.before), fanout.data_of(event.data.after)
    fanout.run(
        event.id, event.document, lambda: fanout.on_thread_written(_get_db(), event.params["threadId"], before, after)
    )


@firestore_fn.on_document_created(document="reports/{reportId}", region=REGION, max_instances=20)
def on_report_created(event: firestore_fn.Event[firestore_fn.DocumentSnapshot | None]) -> None:
    """Auto-hide: a new report may bring its item to the threshold.

    Safe to run twice (delivery is at least once). Python triggers are never retried: a run that
    fails is logged by the framework, and the item's next report checks the count again.
    """
    writelog.invoked("on_report_created")
    if event.data is None:
        return
    reports.on_report_created(
        _get_db(), event.params["reportId"], event.data.to_dict() or {}, event.id, utc_now(), _get_config()
    )
