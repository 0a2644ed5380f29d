"""Who is calling: a Firebase ID token from the Authorization header, verified by firebase-admin."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ApiError, Busy, Unauthenticated
from .validation import is_firestore_id

if TYPE_CHECKING:
    from firebase_admin import exceptions as firebase_errors

# firebase-admin is imported where it is used, not at import time: importing it (google-auth,
# cachecontrol...) at module level slows the Functions emulator's and the deploy's discovery of
# main.py's functions and every cold start before the first signed-in request.

# verify(token, check_revoked) -> decoded claims; raises what firebase-admin's verify_id_token raises
# (ValueError or a FirebaseError) for a token it does not accept.
TokenVerifier = Callable[[str, bool], Mapping[str, Any]]


@dataclass(frozen=True)
class Caller:
    uid: str
    claims: Mapping[str, Any] = field(default_factory=dict)
    # Whether the token was checked against Auth (revocation, disabled, fresh moderator claim).
    checked: bool = False

    @property
    def is_moderator(self) -> bool:
        """Moderators carry the custom claim {"moderator": true} (set with the Admin SDK)."""
        return self.claims.get("moderator") is True

    @property
    def name(self) -> str | None:
        name = self.claims.get("name")
        return name if isinstance(name, str) and name.strip() else None


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header; None when there is no header."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <Firebase ID token>'")
    return token.strip()


def identify(header: str | None, verify: TokenVerifier, *, check_revoked: bool) -> Caller | None:
    """The caller named by the header, None for an anonymous request, Unauthenticated for a bad token.

    A token that carries the moderator claim is always checked fresh (revocation, a disabled
    account, and the verifier's current claims), reads included: a demoted or disabled moderator's
    token must not keep reading hidden text, reports and the log until it expires.
    """
    token = bearer_token(header)
    if token is None:
        return None
    from firebase_admin import exceptions as firebase_errors

    try:
        claims = verify(token, check_revoked)
        if not check_revoked and claims.get("moderator") is True:
            claims, check_revoked = verify(token, True), True
    except (ValueError, firebase_errors.FirebaseError) as exc:  # what firebase-admin's verify_id_token raises
        raise token_error(exc) from None
    except RuntimeError:  # the verifier's refusal of emulator tokens outside a demo project (deps)
        raise Unauthenticated("the ID token is not valid") from None
    uid = claims.get("uid") or claims.get("sub")
    if not isinstance(uid, str) or not uid:
        raise Unauthenticated("the ID token names no user")
    if not is_firestore_id(uid):  # it names users/{uid}: never let it reach Firestore otherwise
        raise Unauthenticated("the ID token names a user id Hearth cannot store")
    return Caller(uid=uid, claims=dict(claims), checked=check_revoked)


def token_error(exc: ValueError | firebase_errors.FirebaseError) -> ApiError:
    """What a failure of firebase-admin's verify_id_token means for the caller.

    A token it refuses (malformed, forged, expired, revoked, of a disabled or deleted user) is 401;
    a failure to check it at all (Google's certificates or the Auth backend unreachable) is the
    service's, not the caller's: 503, try again.
    """
    from firebase_admin import auth as firebase_auth

    if isinstance(exc, firebase_auth.RevokedIdTokenError):
        return Unauthenticated("the ID token has been revoked; sign in again")
    if isinstance(exc, firebase_auth.ExpiredIdTokenError):
        return Unauthenticated("the ID token has expired; refresh it and retry")
    if isinstance(exc, firebase_auth.UserDisabledError):
        return Unauthenticated("this account is disabled")
    if isinstance(exc, ValueError | firebase_auth.InvalidIdTokenError | firebase_auth.UserNotFoundError):
        return Unauthenticated("the ID token is not valid")
    return Busy("the sign-in could not be checked right now; try again in a moment")


def firebase_verifier() -> TokenVerifier:
    """The production verifier: firebase-admin, revocation checked when asked (on writes)."""
    import firebase_admin
    from firebase_admin import auth as firebase_auth

    try:
        firebase_admin.get_app()
    except ValueError:  # the default app is not initialised yet
        firebase_admin.initialize_app()

    def verify(token: str, check_revoked: bool) -> Mapping[str, Any]:
        # firebase-admin accepts unsigned tokens whenever FIREBASE_AUTH_EMULATOR_HOST is set: check
        # again here, per token, that this is a demo project on the emulators (fails closed).
        if os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
            from .deps import refuse_emulators_in_production

            refuse_emulators_in_production(os.environ)
        claims: Mapping[str, Any] = firebase_auth.verify_id_token(token, check_revoked=check_revoked)
        if check_revoked and claims.get("moderator") is True:
            # A claim is only as fresh as the token (up to an hour): a demotion takes effect now.
            user = firebase_auth.get_user(claims["uid"])
            if user.disabled:
                raise firebase_auth.UserDisabledError("this account is disabled")
            claims = {**claims, "moderator": (user.custom_claims or {}).get("moderator") is True}
        return claims

    return verify


TokenMinter = Callable[[str], str]


def firebase_minter() -> TokenMinter:
    """Custom tokens by firebase-admin (the embed's sign-in window hands one to the frame).

    Deployed, firebase-admin signs them with the function's service account through IAM, which
    needs the role "Service Account Token Creator" on that account; on the Auth emulator they are unsigned.
    """
    import firebase_admin
    from firebase_admin import auth as firebase_auth

    try:
        firebase_admin.get_app()
    except ValueError:  # the default app is not initialised yet
        firebase_admin.initialize_app()

    def mint(uid: str) -> str:
        token = firebase_auth.create_custom_token(uid)
        return token.decode() if isinstance(token, bytes) else token

    return mint
