"""Fault injection for the emulators: HEARTH_FAULTS=background:0.3 makes 30% of background runs raise
before they write anything, so the tests can show that retries deliver every notification once, that
every counter converges and that every due auto-hide happens.

Honoured only on the emulators of a `demo-` project (deps.refuse_emulators_in_production's rule);
anywhere else a set HEARTH_FAULTS is an error, so production never injects a fault.
"""

from __future__ import annotations

import os
import random
from typing import Callable, Mapping

ENV = "HEARTH_FAULTS"
KINDS = frozenset({"background"})


class InjectedFault(RuntimeError):
    """A failure HEARTH_FAULTS asked for."""


def rates(env: Mapping[str, str]) -> dict[str, float]:
    """kind -> probability from HEARTH_FAULTS ("background:0.3,..."); {} when unset.

    ValueError for a malformed value, and RuntimeError outside a demo- project's emulators."""
    raw = (env.get(ENV) or "").strip()
    if not raw:
        return {}
    project = env.get("GCLOUD_PROJECT") or env.get("GOOGLE_CLOUD_PROJECT") or ""
    if not env.get("FIRESTORE_EMULATOR_HOST") or not project.startswith("demo-"):
        raise RuntimeError(f"{ENV} may be set only on the emulators of a 'demo-' project (project: {project!r})")
    parsed: dict[str, float] = {}
    for part in raw.split(","):
        kind, _, value = part.partition(":")
        kind = kind.strip()
        if kind not in KINDS:
            raise ValueError(f"{ENV}: unknown kind {kind!r} (known: {', '.join(sorted(KINDS))})")
        rate = float(value)
        if not 0 <= rate <= 1:
            raise ValueError(f"{ENV}: {kind}'s rate must be between 0 and 1")
        parsed[kind] = rate
    return parsed


def maybe_fail(kind: str, env: Mapping[str, str] = os.environ, draw: Callable[[], float] = random.random) -> None:
    """Raise InjectedFault with kind's probability (never when HEARTH_FAULTS does not name it)."""
    rate = rates(env).get(kind, 0.0)
    if rate and draw() < rate:
        raise InjectedFault(f"{ENV}: injected {kind} failure")
