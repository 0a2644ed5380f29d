"""Previews: a draft rendered exactly as a post would be, stored nowhere."""
from __future__ import annotations

from datetime import datetime

from google.cloud import firestore

from . import mentions, render
from ..auth import Caller
from ..db.ratelimit import InstanceWindows, Limit


def render_preview(db: firestore.Client, caller: Caller, body: str, now: datetime, windows: InstanceWindows,
                   limit: Limit) -> dict[str, str]:
    """{"bodyHtml"} for a draft body, through the same validation and renderer as a post.

    @mentions are resolved as a post's are (one batched read, only when the draft has candidates),
    so the preview links the same handles; nobody is notified.
    """
    windows.admit(caller.uid, now, limit)
    return {"bodyHtml": render.markdown_to_html(body, mentions.resolve(db, body))}
