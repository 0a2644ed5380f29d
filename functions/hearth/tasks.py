"""Cloud Tasks for background work: one queue, the `background` task function (main.py), which Cloud
Tasks retries until it succeeds (the Functions emulator's Cloud Tasks emulator does too).

Tasks are named, so a second enqueue of the same name is refused by Cloud Tasks and does nothing:
one fold per owner and second, one retry per outbox item. An enqueue that fails is logged, not
raised: the scheduled sweep picks up whatever it left behind.
"""

from __future__ import annotations

import os
import threading
import traceback
from datetime import datetime
from typing import Any

from firebase_functions import logger

QUEUE = "background"  # main.background, the task queue function
EMULATOR_HOST = "CLOUD_TASKS_EMULATOR_HOST"
REGION = "us-central1"
_lock = threading.Lock()


def _functions() -> Any:
    """firebase_admin.functions, with the default app initialised (triggers do not initialise it)."""
    import firebase_admin
    from firebase_admin import functions

    with _lock:
        try:
            firebase_admin.get_app()
        except ValueError:  # the default app is not initialised yet
            firebase_admin.initialize_app()
    return functions


def enqueue(data: dict[str, Any], task_id: str, at: datetime | None = None) -> bool:
    """Queue data for the background task function under task_id (run at `at`, or now); whether it is queued."""
    from firebase_admin import exceptions
    from google.auth.exceptions import GoogleAuthError

    try:
        functions = _functions()
        queue = functions.task_queue(f"locations/{REGION}/functions/{QUEUE}")
        try:
            # The task function reads a callable request's body, {"data": ...} (firebase-admin for
            # Node wraps it so; the Python one sends what it is given).
            queue.enqueue({"data": data}, functions.TaskOptions(task_id=task_id, schedule_time=at))
        except (exceptions.AlreadyExistsError, exceptions.ConflictError):
            pass  # queued already under this name: that task does the work
        except ValueError as exc:
            # firebase-admin 7.7 drops the first character of the task name the Cloud Tasks
            # emulator echoes (expecting a '/' the emulator adds only to names it makes), so a
            # named task is queued and then its name fails to parse. Only on the emulator.
            if not (os.environ.get(EMULATOR_HOST) and "resource name" in str(exc)):
                raise
        return True
    except (exceptions.FirebaseError, GoogleAuthError, ValueError, OSError):  # OSError: requests' errors
        logger.warn(f"could not queue task {task_id}\n{traceback.format_exc()}", task=task_id)
        return False
