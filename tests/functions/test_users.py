from hearth import validation
from hearth.users import generated_handles


def test_generated_handles_are_valid_and_come_from_the_uid():
    for uid in ("0e9HzkmfELpA1iHhwCiOgYesOfZx", "a", "___", "X" * 40):
        handles = generated_handles(uid)
        assert len(handles) == 3
        for handle in handles:
            assert validation.HANDLE_RE.fullmatch(handle), handle
