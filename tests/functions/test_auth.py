import pytest
from firebase_admin import auth as firebase_auth

from hearth.auth import Caller, bearer_token, identify, token_error
from hearth.errors import Busy, Unauthenticated


def test_no_header_is_an_anonymous_caller():
    assert identify(None, lambda t, r: {}, check_revoked=False) is None


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer   ", "token"])
def test_malformed_authorization_header_is_401(header):
    with pytest.raises(Unauthenticated):
        bearer_token(header)


def test_verified_token_names_the_caller_and_revocation_is_asked_for_on_writes():
    seen = []

    def verify(token, check_revoked):
        seen.append((token, check_revoked))
        return {"uid": "u1", "moderator": True, "name": "Ann"}

    caller = identify("Bearer tok", verify, check_revoked=True)
    assert caller == Caller(uid="u1", claims={"uid": "u1", "moderator": True, "name": "Ann"}, checked=True)
    assert caller.is_moderator and caller.name == "Ann"
    assert seen == [("tok", True)]


def test_a_token_carrying_the_moderator_claim_is_checked_fresh_even_on_reads():
    """Finding 10: reads did not check revocation, so a demoted or disabled moderator kept reading."""
    seen = []

    def verify(token, check_revoked):
        seen.append(check_revoked)
        # The fresh check (Auth's current claims) says the claim is gone.
        return {"uid": "u1", "moderator": not check_revoked}

    caller = identify("Bearer tok", verify, check_revoked=False)
    assert seen == [False, True]
    assert not caller.is_moderator and caller.checked


def test_a_members_read_is_not_checked_and_cannot_sync_a_role():
    caller = identify("Bearer tok", lambda token, check_revoked: {"uid": "u1"}, check_revoked=False)
    assert caller.checked is False


def test_revoked_token_says_so():
    def verify(token, check_revoked):
        raise firebase_auth.RevokedIdTokenError("revoked")

    with pytest.raises(Unauthenticated, match="revoked"):
        identify("Bearer tok", verify, check_revoked=True)


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (firebase_auth.RevokedIdTokenError("r"), "revoked"),
        (firebase_auth.ExpiredIdTokenError("e", cause=None), "expired"),
        (firebase_auth.UserDisabledError("d"), "disabled"),
        (firebase_auth.InvalidIdTokenError("i"), "not valid"),
        (firebase_auth.UserNotFoundError("n"), "not valid"),
        (ValueError("Illegal ID token provided"), "not valid"),
    ],
)
def test_firebase_admins_token_errors_are_401_and_say_why(exc, said):
    error = token_error(exc)
    assert isinstance(error, Unauthenticated) and error.status == 401
    assert said in error.message


def test_a_token_that_could_not_be_checked_is_503_not_401():
    error = token_error(firebase_auth.CertificateFetchError("no certificates", cause=None))
    assert isinstance(error, Busy) and error.status == 503


def test_only_a_true_moderator_claim_makes_a_moderator():
    assert not Caller("u", {"moderator": "yes"}).is_moderator
    assert not Caller("u").is_moderator
