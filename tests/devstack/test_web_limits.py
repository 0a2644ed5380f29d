"""web/src/limits.js is the API's limits, written from its Python: a stale file fails here."""

from __future__ import annotations

from devstack import web_limits
from hearth import validation
from hearth.moderation import reports, suspensions


def test_the_web_uis_limits_are_the_apis():
    assert web_limits.main(["--check"]) == 0, "run `python -m devstack.web_limits` (make does) and commit the file"
    assert web_limits.limits()["title"] == validation.TITLE_MAX
    assert (web_limits.limits()["reason"], web_limits.limits()["note"]) == (suspensions.REASON_MAX, reports.NOTE_MAX)
    assert f'"body": {validation.BODY_MAX}' in web_limits.TARGET.read_text()
