"""Previews: a draft rendered exactly as a post would be, stored nowhere."""

from __future__ import annotations

from datetime import datetime

from google.cloud import firestore

from ..auth import Caller
from ..db.ratelimit import Limit, take
from . import mentions, render


def render_preview(
    db: firestore.Client,
    caller: Caller,
    body: str,
    now: datetime,
    limit: Limit,
    renderer: render.Renderer = render.render_post,
) -> dict[str, str]:
    """{"bodyHtml"} for a draft body, through the same validation and renderer as a post.

    Each preview takes a place in the caller's preview window (Firestore, so it holds across
    instances) before anything is rendered. @mentions are resolved as a post's are (one batched
    read, only when the draft has candidates), so the preview links the same handles; nobody is notified.
    """
    take(db, caller.uid, now, limit)
    return {"bodyHtml": renderer(body, lambda handles: mentions.lookup(db, handles)).html}
