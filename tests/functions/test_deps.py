import pytest

from hearth.deps import refuse_emulators_in_production


@pytest.mark.parametrize("env", [
    {},  # local scripts and tests
    {"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099", "K_SERVICE": "api", "FUNCTIONS_EMULATOR": "true"},
    {"K_SERVICE": "api"},  # deployed, talking to real services
])
def test_emulator_hosts_are_fine_locally_and_absent_in_production(env):
    refuse_emulators_in_production(env)


@pytest.mark.parametrize("name", ["FIREBASE_AUTH_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST"])
def test_a_deployed_function_refuses_an_emulator_host(name):
    with pytest.raises(RuntimeError, match=name):
        refuse_emulators_in_production({"K_SERVICE": "api", name: "127.0.0.1:1"})
