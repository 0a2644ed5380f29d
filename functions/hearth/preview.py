"""Previews: a draft rendered exactly as a post would be, stored nowhere."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from . import render, validation
from .auth import Caller
from .ratelimit import InstanceWindows, Limit

FIELDS = ("body",)


def render_preview(caller: Caller, data: Any, now: datetime, windows: InstanceWindows,
                   limit: Limit) -> dict[str, str]:
    """{"bodyHtml"} for a draft body, through the same validation and renderer as a post."""
    data = validation.json_object(data)
    validation.only_fields(data, FIELDS)
    body = validation.body(data.get("body"))
    windows.admit(caller.uid, now, limit)
    return {"bodyHtml": render.markdown_to_html(body)}
