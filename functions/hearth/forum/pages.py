"""Page threads: the comment section of a page on another site (the embed), and its comment counts.

A page's thread is keyed by (site origin, mapped term): its id is a hash of the two, so every
reader of a page finds the same thread without a query, and viewing creates nothing. The first
comment creates it, with a create-only write in the comment's own commit: when many first
comments race, one create wins and the others run again and find it (store.retry_while_changed).
Page threads have no author (nobody owns a stranger's article here), so only moderators may
change, hide or lock them; they appear in the forum's lists with `page` set.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any, Iterable

from google.cloud import firestore

from .. import validation
from ..auth import Caller
from ..db import store
from ..deps import Config
from ..errors import Invalid, OriginNotAllowed
from ..moderation.visibility import VISIBLE
from . import comments, render, threads

COUNTS_CACHE_SECONDS = 60  # a listing page's counts may be a minute old
KEYS_MAX = 50  # terms one counts request may ask about (a listing page's links)
TERM_MAX = 500
URL_MAX = 2000
# The article's path and query on the site (its URL is site + path): no fragment, nothing a URL
# cannot hold as it is; the OpenAPI document's pattern too.
PATH_PATTERN = r"^/(?!/)[!$-;=?-\[\]-~]*$"  # printable ASCII but space " # < > \
PATH_RE = re.compile(PATH_PATTERN)
ID_PREFIX = "pg-"
# scheme://host[:port], as a browser spells an origin: lowercase host, no path, a port 1-65535 and
# never the scheme's default (the pattern is the OpenAPI document's too, so it is ECMA-262 as well).
_HOST = r"(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])"
_PORT = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
ORIGIN_PATTERN = rf"^(?:http://{_HOST}(?::(?!80$){_PORT})?|https://{_HOST}(?::(?!443$){_PORT})?)$"
ORIGIN_RE = re.compile(ORIGIN_PATTERN)
THREAD_ID_PATTERN = r"^pg-[0-9a-f]{32}$"  # what count.js sends as a page's key (thread_id)
THREAD_ID_RE = re.compile(THREAD_ID_PATTERN)
MARKDOWN_SPECIAL_RE = re.compile(r"[\\`*_{}\[\]()#+\-.!<>|~&]")


def is_origin(value: Any) -> bool:
    """Whether value is an origin exactly as browsers serialise it (location.origin)."""
    return isinstance(value, str) and ORIGIN_RE.fullmatch(value) is not None


def parse_allowed(setting: str) -> tuple[str, ...]:
    """HEARTH_EMBED_ORIGINS: comma-separated origins; `scheme://host:*` allows any port of that host."""
    allowed = []
    for entry in (part.strip() for part in setting.split(",")):
        if not entry:
            continue
        if not is_origin(entry.removesuffix(":*")):
            raise ValueError(f"HEARTH_EMBED_ORIGINS: {entry!r} is not scheme://host[:port] or scheme://host:*")
        allowed.append(entry)
    return tuple(allowed)


def origin_allowed(origin: str, allowed: Iterable[str]) -> bool:
    """Whether origin is one of allowed, where `scheme://host:*` stands for that host on any port."""
    for entry in allowed:
        if entry == origin:
            return True
        if entry.endswith(":*"):
            base = entry[:-2]
            rest = origin[len(base) :] if origin.startswith(base) else None
            if rest == "" or (rest is not None and re.fullmatch(r":[0-9]{1,5}", rest)):
                return True
    return False


def origin(value: Any, field: str = "site") -> str:
    """An origin as location.origin spells it; 422 otherwise."""
    if not isinstance(value, str) or not is_origin(value):
        raise Invalid(f"{field} must be an origin, scheme://host[:port], as location.origin spells it", field=field)
    return value


def site(value: Any, allowed: Iterable[str], field: str = "site") -> str:
    """The `site` of a request: an origin (422 otherwise) that may embed Hearth (403 origin_not_allowed)."""
    origin(value, field)
    if not origin_allowed(value, allowed):
        raise OriginNotAllowed(f"{value} may not embed this Hearth: it is not in HEARTH_EMBED_ORIGINS", field=field)
    return value


def term(value: Any, field: str = "term") -> str:
    """A mapped page term (a pathname, a URL, a title or a site owner's own key)."""
    return validation.text(value, field, max_len=TERM_MAX, visible=True, no_bidi=True)


def thread_id(site_origin: str, page_term: str) -> str:
    """The page thread's id: the same for (site, term) everywhere (embed.js computes it too)."""
    return ID_PREFIX + hashlib.sha256(f"{site_origin}\n{page_term}".encode()).hexdigest()[:32]


def path(value: Any) -> str:
    """The article's path and query on its site (its URL is site + path)."""
    if not isinstance(value, str) or len(value) > URL_MAX or not PATH_RE.fullmatch(value):
        raise Invalid(
            f"path must be the page's path and query on its site, starting with a single /, without a "
            f"fragment, in URL characters (at most {URL_MAX})",
            field="path",
        )
    return value


def page_url(value: Any, site_origin: str) -> str:
    """The article's URL from its path (and query) on the site: site + path."""
    return site_origin + path(value)


def new_thread(site_origin: str, page_term: str, url: str, title: str, now: datetime) -> dict[str, Any]:
    """The page thread a first comment creates (its counters are set in the comment's commit)."""
    escaped = MARKDOWN_SPECIAL_RE.sub(lambda m: "\\" + m.group(0), title)
    body = f"The discussion of [{escaped}](<{url}>)."
    body_html = render.markdown_to_html(body, None)
    doc: dict[str, Any] = {
        "title": title,
        "body": body,
        "bodyHtml": body_html,
        "excerpt": render.excerpt(body_html),
        "mentionCount": 0,
        "page": {"site": site_origin, "term": page_term, "url": url},
        "author": None,
        "tags": [],
        **threads.new_thread_state(now),
    }
    # Found by search from its first commit, as any thread is (no author: the title's and body's words only).
    doc["terms"] = threads.thread_terms(doc)
    return doc


def create_comment(
    db: firestore.Client,
    caller: Caller,
    *,
    site_origin: str,
    page_term: str,
    page_path: str,
    title: str,
    body: str,
    now: datetime,
    config: Config,
    renderer: render.Renderer = render.render_post,
) -> dict[str, Any]:
    """A root comment on a page's thread (fields as api/models.py PageCommentInput checked them), creating the
    thread on the first one; 403 origin_not_allowed unless the site may embed Hearth."""
    site(site_origin, config.embed_origins)
    url = page_url(page_path, site_origin)
    tid = thread_id(site_origin, page_term)
    return comments.create(
        db,
        caller,
        tid,
        body=body,
        parent_id=None,
        now=now,
        config=config,
        renderer=renderer,
        new_thread=new_thread(site_origin, page_term, url, title, now),
    )


def page_keys(value: Any) -> list[str]:
    """The pages a counts request names: 1 to KEYS_MAX thread ids (count.js hashes its links' terms:
    fixed-length keys, so 50 fit in any URL), each once."""
    keys = value if isinstance(value, list) else []
    if not keys:
        raise Invalid("keys: name at least one page (keys=pg-…&keys=pg-…)", field="keys")
    if len(keys) > KEYS_MAX:
        raise Invalid(f"keys: at most {KEYS_MAX} pages per request", field="keys")
    if not all(isinstance(k, str) and THREAD_ID_RE.fullmatch(k) for k in keys):
        raise Invalid("keys: each is a page's thread id, pg- and 32 hex digits (see count.js)", field="keys")
    return list(dict.fromkeys(keys))


def counts(db: firestore.Client, site_value: str, keys: list[str], config: Config) -> dict[str, Any]:
    """Visible comments per page of a site (site and keys as api/models.py PageCountsQuery checked them;
    403 origin_not_allowed unless the site may embed Hearth): one batched read of at most KEYS_MAX
    threads. A thread of another site's page counts 0 here."""
    origin = site(site_value, config.embed_origins)
    ids = page_keys(keys)
    refs = {tid: store.thread(db, tid) for tid in ids}
    got = store.read_all(None, db, list(refs.values()))
    out = {}
    for tid, ref in refs.items():
        data = got[ref.path].to_dict() or {}  # None for a missing document
        ours = (data.get("page") or {}).get("site") == origin and data.get("status") == VISIBLE
        out[tid] = int(data.get("commentCount") or 0) if ours else 0
    return {"site": origin, "counts": out}
