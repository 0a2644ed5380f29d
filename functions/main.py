"""Entry points of Hearth's Cloud Functions. Only wiring lives here; the API is in hearth/."""
from __future__ import annotations

import threading

import functions_framework
from firebase_functions import https_fn, options
from werkzeug.exceptions import HTTPException

from hearth.app import create_app
from hearth.deps import production_deps
from hearth.http import http_error_response, install_server_errors

# functions-framework serves `api` through a Flask app of its own, which answers what it cannot
# route (a path with a newline in it, say) before `api` runs, in HTML. Its errorhandler hook,
# set while it imports this module, makes those answers the API's JSON error shape too. Outside
# functions-framework (`firebase deploy` discovering functions, tests) it is a no-op.
functions_framework.errorhandler(HTTPException)(http_error_response)
install_server_errors()

_app = None
_app_lock = threading.Lock()


def _get_app():
    # Built on the first request, not at import: `firebase deploy` imports this module to
    # discover functions, and must not open Firestore clients or read parameters then.
    # The lock matters: an instance serves concurrent requests on threads, and a second
    # firebase_admin.initialize_app() would fail.
    global _app
    if _app is None:
        with _app_lock:
            if _app is None:
                _app = create_app(production_deps())
    return _app


@https_fn.on_request(region="us-central1", memory=options.MemoryOption.MB_512, max_instances=20)
def api(req: https_fn.Request) -> https_fn.Response:
    """The JSON API, mounted by Hosting's rewrite of /api/**."""
    app = _get_app()
    with app.request_context(req.environ):
        return app.full_dispatch_request()
