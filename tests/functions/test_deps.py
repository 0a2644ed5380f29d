import pytest

from hearth.deps import refuse_emulators_in_production


@pytest.mark.parametrize(
    "env",
    [
        {},  # local scripts and tests
        {
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
            "K_SERVICE": "api",
            "FUNCTIONS_EMULATOR": "true",
            "GCLOUD_PROJECT": "demo-hearth",
        },
        {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080", "GOOGLE_CLOUD_PROJECT": "demo-other"},
        {"K_SERVICE": "api", "GCLOUD_PROJECT": "hearth-prod"},  # deployed, talking to real services
    ],
)
def test_emulator_hosts_are_fine_locally_and_absent_in_production(env):
    refuse_emulators_in_production(env)


@pytest.mark.parametrize("name", ["FIREBASE_AUTH_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST"])
def test_a_deployed_function_refuses_an_emulator_host(name):
    with pytest.raises(RuntimeError, match=name):
        refuse_emulators_in_production({"K_SERVICE": "api", name: "127.0.0.1:1"})


@pytest.mark.parametrize(
    "env",
    [
        # Finding 11: the guard failed open for these.
        {
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
            "K_SERVICE": "api",
            "FUNCTIONS_EMULATOR": "true",
            "GCLOUD_PROJECT": "hearth-prod",
        },
        {"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099", "GCLOUD_PROJECT": "hearth-prod"},  # no K_SERVICE
        {"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"},  # no project named: not a demo one
        {"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080", "GCLOUD_PROJECT": "demo-hearth", "K_SERVICE": "api"},
        {"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099", "GCLOUD_PROJECT": "my-demo-hearth"},
    ],
)
def test_emulator_hosts_are_honoured_only_for_a_demo_project_on_the_emulators(env):
    with pytest.raises(RuntimeError, match="demo-"):
        refuse_emulators_in_production(env)


def test_the_token_verifier_checks_again_and_refuses_every_token(monkeypatch):
    """A process whose environment changed after start (or that skipped production_deps) still
    accepts no unsigned token outside a demo project."""
    from hearth.auth import firebase_verifier, identify
    from hearth.errors import Unauthenticated

    monkeypatch.setenv("GCLOUD_PROJECT", "demo-hearth")
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:1")
    verify = firebase_verifier()
    monkeypatch.setenv("GCLOUD_PROJECT", "hearth-prod")
    with pytest.raises(RuntimeError, match="demo-"):
        verify("unsigned.token.here", False)
    with pytest.raises(Unauthenticated):
        identify("Bearer unsigned.token.here", verify, check_revoked=False)
