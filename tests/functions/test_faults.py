"""Fault injection: honoured on a demo- project's emulators only, raising with the asked probability."""

from __future__ import annotations

import pytest

from hearth import faults

EMULATED = {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080", "GCLOUD_PROJECT": "demo-hearth"}


def test_no_faults_unless_asked():
    assert faults.rates({}) == {} and faults.rates(EMULATED) == {}
    faults.maybe_fail("background", EMULATED, draw=lambda: 0.0)  # nothing asked: never raises


def test_background_faults_on_the_emulators():
    env = {**EMULATED, "HEARTH_FAULTS": "background:0.3"}
    assert faults.rates(env) == {"background": 0.3}
    with pytest.raises(faults.InjectedFault):
        faults.maybe_fail("background", env, draw=lambda: 0.29)
    faults.maybe_fail("background", env, draw=lambda: 0.3)


@pytest.mark.parametrize(
    "env",
    [
        {"HEARTH_FAULTS": "background:0.3"},  # production: no emulator
        {"HEARTH_FAULTS": "background:0.3", "FIRESTORE_EMULATOR_HOST": "x:1", "GCLOUD_PROJECT": "hearth-prod"},
    ],
)
def test_faults_are_refused_outside_a_demo_projects_emulators(env):
    with pytest.raises(RuntimeError, match="demo-"):
        faults.rates(env)


@pytest.mark.parametrize("value", ["render:0.1", "background:2", "background:x"])
def test_a_malformed_value_is_an_error(value):
    with pytest.raises(ValueError):
        faults.rates({**EMULATED, "HEARTH_FAULTS": value})
