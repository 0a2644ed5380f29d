"""Queueing background tasks: named, a repeat of a name is no error, a failure is logged, not raised."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from firebase_admin import exceptions

from hearth import tasks


def fake_functions(outcome: Exception | None, sent: list) -> SimpleNamespace:
    def enqueue(data, options):
        sent.append((data, options.task_id))
        if outcome is not None:
            raise outcome

    return SimpleNamespace(
        task_queue=lambda name: SimpleNamespace(enqueue=enqueue, name=name),
        TaskOptions=lambda task_id, schedule_time: SimpleNamespace(task_id=task_id, schedule_time=schedule_time),
    )


@pytest.mark.parametrize(
    "outcome, emulated, queued",
    [
        (None, False, True),
        (exceptions.ConflictError("exists", None), False, True),  # the same name again: that task does it
        (ValueError("Invalid resource name format."), True, True),  # firebase-admin on the emulator, after queueing
        (ValueError("Invalid resource name format."), False, False),
        (exceptions.UnavailableError("down", None), False, False),
    ],
)
def test_a_task_is_queued_once_by_name_and_failures_are_logged_not_raised(monkeypatch, outcome, emulated, queued):
    sent: list = []
    monkeypatch.setattr(tasks, "_functions", lambda: fake_functions(outcome, sent))
    if emulated:
        monkeypatch.setenv(tasks.EMULATOR_HOST, "127.0.0.1:9499")
    else:
        monkeypatch.delenv(tasks.EMULATOR_HOST, raising=False)
    assert tasks.enqueue({"fold": "threads/t"}, "fold-abc-1") is queued
    assert sent == [({"data": {"fold": "threads/t"}}, "fold-abc-1")]
