"""What the domain modules need from the outside, built once per process."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping

from google.cloud import firestore

from .auth import TokenMinter, TokenVerifier
from .db import querylog, writelog
from .db.ratelimit import InstanceWindows, Limit
from .forum import render


@dataclass(frozen=True)
class Config:
    comment_limit: Limit = Limit("comment", 5, timedelta(minutes=1))
    thread_limit: Limit = Limit("thread", 3, timedelta(minutes=10))
    report_limit: Limit = Limit("report", 10, timedelta(minutes=10))
    cache_seconds: int = 10
    auto_hide_reports: int = 3  # distinct reporters that hide an item until a moderator decides
    first_post_approval: bool = False  # hold a new member's comments until a moderator approves one
    # Previews are rendered on a pause in typing (the web UI waits 400 ms): 30 a minute is one
    # every two seconds for a whole minute, which a person writing never keeps up and a script does.
    preview_limit: Limit = Limit("preview", 30, timedelta(minutes=1))
    # Rate windows a person never meets and a script does (each a Firestore window, so they hold
    # across instances): edits of one's posts, reaction changes, and a thread author's hide/restore.
    edit_limit: Limit = Limit("edit", 10, timedelta(minutes=1))
    reaction_limit: Limit = Limit("reaction", 30, timedelta(minutes=1))
    hide_limit: Limit = Limit("hide", 10, timedelta(minutes=1))
    # A report counts toward auto-hide only from a verified account at least this old.
    report_trust_hours: int = 24
    # Handles released by a rename rest this long before another account may take them.
    handle_rest_days: int = 30
    # Sessions handed to embed frames: a reader opens a few articles a minute; each costs a signature.
    embed_session_limit: Limit = Limit("embed-session", 10, timedelta(minutes=1))
    # Origins whose pages may embed Hearth (forum/pages.py parse_allowed): frame-ancestors and the page endpoints.
    embed_origins: tuple[str, ...] = ()
    # Searches read up to 100 documents a page: per user, per anonymous address, and all anonymous
    # searches an instance serves (an address is a header, so it can be forged).
    search_limit: Limit = Limit("search", 30, timedelta(minutes=1))
    anonymous_search_limit: Limit = Limit("search", 30, timedelta(minutes=1))
    anonymous_search_total: Limit = Limit("anonymous search", 600, timedelta(minutes=1))
    # @mention autocomplete (GET /api/users?prefix=): a lookup per pause in typing; a script listing
    # every handle by its prefixes meets it.
    lookup_limit: Limit = Limit("lookup", 30, timedelta(minutes=1))


@dataclass(frozen=True)
class Deps:
    db: firestore.Client
    verify_token: TokenVerifier
    config: Config
    clock: Callable[[], datetime]
    # Per-instance windows for limits that protect the instance, not Firestore.
    instance_windows: InstanceWindows = field(default_factory=InstanceWindows)
    # How posts are rendered: in this process (tests), or in budgeted workers (forum/sandbox.py).
    renderer: render.Renderer = render.render_post
    # Custom tokens for the embed's sign-in window (auth.firebase_minter); None where nothing mints them.
    mint_token: TokenMinter | None = None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def config_from_params() -> Config:
    """Read the deploy-time parameters (firebase_functions.params) once."""
    from . import params
    from .forum.pages import parse_allowed

    return Config(
        comment_limit=Limit("comment", params.COMMENTS_PER_MINUTE.value, timedelta(minutes=1)),
        thread_limit=Limit("thread", params.THREADS_PER_10_MINUTES.value, timedelta(minutes=10)),
        report_limit=Limit("report", params.REPORTS_PER_10_MINUTES.value, timedelta(minutes=10)),
        cache_seconds=params.CACHE_SECONDS.value,
        auto_hide_reports=params.AUTO_HIDE_REPORTS.value,
        first_post_approval=params.FIRST_POST_APPROVAL.value,
        preview_limit=Limit("preview", params.PREVIEWS_PER_MINUTE.value, timedelta(minutes=1)),
        edit_limit=Limit("edit", params.EDITS_PER_MINUTE.value, timedelta(minutes=1)),
        reaction_limit=Limit("reaction", params.REACTIONS_PER_MINUTE.value, timedelta(minutes=1)),
        hide_limit=Limit("hide", params.HIDES_PER_MINUTE.value, timedelta(minutes=1)),
        report_trust_hours=params.REPORT_TRUST_HOURS.value,
        handle_rest_days=params.HANDLE_REST_DAYS.value,
        embed_origins=parse_allowed(params.EMBED_ORIGINS.value),
        search_limit=Limit("search", params.SEARCHES_PER_MINUTE.value, timedelta(minutes=1)),
        anonymous_search_limit=Limit("search", params.ANONYMOUS_SEARCHES_PER_MINUTE.value, timedelta(minutes=1)),
    )


def project_id() -> str:
    """The Firebase project: set by Cloud Functions and by the emulators; demo-hearth otherwise."""
    for name in ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"):
        if os.environ.get(name):
            return os.environ[name]
    return "demo-hearth"


EMULATOR_HOSTS = ("FIREBASE_AUTH_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST")
# The Emulator Suite's demo projects: they have no real resources, so nothing can leak to them.
DEMO_PREFIX = "demo-"


def refuse_emulators_in_production(env: Mapping[str, str]) -> None:
    """Refuse emulator hosts anywhere but a demo- project: the Auth emulator's tokens are unsigned.

    Fails closed: an emulator host is honoured only when the environment names a `demo-`
    project; a deployed function (K_SERVICE, outside the Functions emulator) refuses them whatever
    the project is called, and an environment that names no project is not a demo one.
    """
    leaked = [name for name in EMULATOR_HOSTS if env.get(name)]
    if not leaked:
        return
    project = env.get("GCLOUD_PROJECT") or env.get("GOOGLE_CLOUD_PROJECT") or ""
    deployed = bool(env.get("K_SERVICE")) and env.get("FUNCTIONS_EMULATOR") != "true"
    if deployed or not project.startswith(DEMO_PREFIX):
        raise RuntimeError(
            f"{', '.join(leaked)} may be set only for a '{DEMO_PREFIX}' project on the emulators "
            f"(project: {project or 'not named'})"
        )


def firestore_client(env: Mapping[str, str]) -> firestore.Client:
    """The Firestore client; on the emulators, one that logs its queries (HEARTH_QUERY_LOG, querylog.py)
    and the documents it writes (HEARTH_WRITE_LOG, writelog.py) when asked to."""
    # google.cloud.firestore.Client, not firebase_admin.firestore.client(): the latter demands
    # Application Default Credentials even when FIRESTORE_EMULATOR_HOST points at an emulator.
    queries, writes = querylog.log_path(env), writelog.log_path(env)
    interceptors: list = []
    if queries is not None:
        interceptors.append(querylog.QueryLog(queries))
    if writes is not None:
        interceptors.append(writelog.WriteLog(writes))
    if not interceptors:
        return firestore.Client(project=project_id())
    return querylog.InterceptedClient(project=project_id(), interceptors=interceptors)


def trigger_client() -> firestore.Client:
    """The Firestore client of the Firestore-triggered functions (they need nothing else)."""
    refuse_emulators_in_production(os.environ)
    return firestore_client(os.environ)


def production_deps() -> Deps:
    """Deps for the deployed function (and the Functions emulator)."""
    from .auth import firebase_minter, firebase_verifier
    from .forum.sandbox import Sandbox

    refuse_emulators_in_production(os.environ)
    sandbox = Sandbox()
    # The first worker starts now, beside the rest of the cold start, not in the first post's request.
    threading.Thread(target=sandbox.warm, name="hearth-render-warm", daemon=True).start()
    return Deps(
        db=firestore_client(os.environ),
        verify_token=firebase_verifier(),
        config=config_from_params(),
        clock=utc_now,
        renderer=sandbox.render,
        mint_token=firebase_minter(),
    )
