"""Fixtures for the emulator conformance suite.

The suite talks to Firestore only through google-cloud-firestore, so it runs unchanged against
Google's emulator: set FIRESTORE_EMULATOR_HOST and the fixtures use that server instead of
starting the project's own.
"""
from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
from google.cloud import firestore

from devstack import firestore as hearth_firestore


@pytest.fixture(scope="session")
def emulator_host() -> Iterator[str]:
    """host:port of a running Firestore emulator: the one named in the environment, or ours."""
    named = os.environ.get("FIRESTORE_EMULATOR_HOST")
    if named:
        yield named
        return
    with hearth_firestore.running() as host:
        os.environ["FIRESTORE_EMULATOR_HOST"] = host
        try:
            yield host
        finally:
            os.environ.pop("FIRESTORE_EMULATOR_HOST", None)


@pytest.fixture
def project_id() -> str:
    """A fresh project per test, so tests never see each other's data."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def db(emulator_host: str, project_id: str) -> firestore.Client:
    """A client of the emulator, on a project no other test uses."""
    return firestore.Client(project=project_id)
