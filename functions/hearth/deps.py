"""What the domain modules need from the outside, built once per process."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping

from google.cloud import firestore

from .db import querylog
from .auth import TokenVerifier
from .db.ratelimit import InstanceWindows, Limit


@dataclass(frozen=True)
class Config:
    comment_limit: Limit = Limit("comment", 5, timedelta(minutes=1))
    thread_limit: Limit = Limit("thread", 3, timedelta(minutes=10))
    report_limit: Limit = Limit("report", 10, timedelta(minutes=10))
    cache_seconds: int = 10
    auto_hide_reports: int = 3  # distinct reporters that hide an item until a moderator decides
    first_post_approval: bool = False  # hold a new member's comments until a moderator approves one
    # Previews are rendered on a pause in typing (the web UI waits 400 ms): 60 a minute is a
    # busy writer's pace, and bounds what one account can make an instance render.
    preview_limit: Limit = Limit("preview", 60, timedelta(minutes=1))
    # Searches read up to 100 documents a page: per user, per anonymous address, and all anonymous
    # searches an instance serves (an address is a header, so it can be forged).
    search_limit: Limit = Limit("search", 30, timedelta(minutes=1))
    anonymous_search_limit: Limit = Limit("search", 30, timedelta(minutes=1))
    anonymous_search_total: Limit = Limit("anonymous search", 600, timedelta(minutes=1))


@dataclass(frozen=True)
class Deps:
    db: firestore.Client
    verify_token: TokenVerifier
    config: Config
    clock: Callable[[], datetime]
    # Per-instance windows for limits that protect the instance (previews), not Firestore.
    instance_windows: InstanceWindows = field(default_factory=InstanceWindows)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def config_from_params() -> Config:
    """Read the deploy-time parameters (firebase_functions.params) once."""
    from . import params

    return Config(
        comment_limit=Limit("comment", params.COMMENTS_PER_MINUTE.value, timedelta(minutes=1)),
        thread_limit=Limit("thread", params.THREADS_PER_10_MINUTES.value, timedelta(minutes=10)),
        report_limit=Limit("report", params.REPORTS_PER_10_MINUTES.value, timedelta(minutes=10)),
        cache_seconds=params.CACHE_SECONDS.value,
        auto_hide_reports=params.AUTO_HIDE_REPORTS.value,
        first_post_approval=params.FIRST_POST_APPROVAL.value,
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


def refuse_emulators_in_production(env: Mapping[str, str]) -> None:
    """Stop a deployed function that was given an emulator host: the Auth emulator's tokens are unsigned."""
    deployed = bool(env.get("K_SERVICE")) and env.get("FUNCTIONS_EMULATOR") != "true"
    leaked = [name for name in EMULATOR_HOSTS if env.get(name)]
    if deployed and leaked:
        raise RuntimeError(f"{', '.join(leaked)} must not be set on a deployed function")


def firestore_client(env: Mapping[str, str]) -> firestore.Client:
    """The Firestore client; on the emulators, one that logs its queries when HEARTH_QUERY_LOG asks (querylog.py)."""
    # google.cloud.firestore.Client, not firebase_admin.firestore.client(): the latter demands
    # Application Default Credentials even when FIRESTORE_EMULATOR_HOST points at an emulator.
    log = querylog.log_path(env)
    if log is None:
        return firestore.Client(project=project_id())
    return querylog.InterceptedClient(project=project_id(), interceptors=[querylog.QueryLog(log)])


def trigger_client() -> firestore.Client:
    """The Firestore client of the Firestore-triggered functions (they need nothing else)."""
    refuse_emulators_in_production(os.environ)
    return firestore_client(os.environ)


def production_deps() -> Deps:
    """Deps for the deployed function (and the Functions emulator)."""
    from .auth import firebase_verifier

    refuse_emulators_in_production(os.environ)
    return Deps(db=firestore_client(os.environ), verify_token=firebase_verifier(), config=config_from_params(),
                clock=utc_now)
