"""Who is calling: a Firebase ID token from the Authorization header, verified by firebase-admin."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .errors import Unauthenticated
from .validation import is_firestore_id

# verify(token, check_revoked) -> decoded claims; raises on any bad token.
TokenVerifier = Callable[[str, bool], Mapping[str, Any]]


@dataclass(frozen=True)
class Caller:
    uid: str
    claims: Mapping[str, Any] = field(default_factory=dict)

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
    """The caller named by the header, None for an anonymous request, Unauthenticated for a bad token."""
    token = bearer_token(header)
    if token is None:
        return None
    try:
        claims = verify(token, check_revoked)
    except Exception as exc:  # firebase-admin raises several types; every one means "not signed in"
        raise Unauthenticated(_why(exc)) from None
    uid = claims.get("uid") or claims.get("sub")
    if not isinstance(uid, str) or not uid:
        raise Unauthenticated("the ID token names no user")
    if not is_firestore_id(uid):  # it names users/{uid}: never let it reach Firestore otherwise
        raise Unauthenticated("the ID token names a user id Hearth cannot store")
    return Caller(uid=uid, claims=dict(claims))


def _why(exc: Exception) -> str:
    name = type(exc).__name__
    if "Revoked" in name:
        return "the ID token has been revoked; sign in again"
    if "Expired" in name:
        return "the ID token has expired; refresh it and retry"
    if "Disabled" in name:
        return "this account is disabled"
    return "the ID token is not valid"


def firebase_verifier() -> TokenVerifier:
    """The production verifier: firebase-admin, revocation checked when asked (on writes)."""
    import firebase_admin
    from firebase_admin import auth

    if not firebase_admin._apps:  # noqa: SLF001 - the SDK's own registry of initialised apps
        firebase_admin.initialize_app()

    def verify(token: str, check_revoked: bool) -> Mapping[str, Any]:
        return auth.verify_id_token(token, check_revoked=check_revoked)

    return verify


TokenMinter = Callable[[str], str]


def firebase_minter() -> TokenMinter:
    """Custom tokens by firebase-admin (the embed's sign-in window hands one to the frame).

    Deployed, firebase-admin signs them with the function's service account through IAM, which
    needs the role "Service Account Token Creator" on that account; on the Auth emulator they are unsigned.
    """
    import firebase_admin
    from firebase_admin import auth

    if not firebase_admin._apps:  # noqa: SLF001 - the SDK's own registry of initialised apps
        firebase_admin.initialize_app()

    def mint(uid: str) -> str:
        token = auth.create_custom_token(uid)
        return token.decode() if isinstance(token, bytes) else token

    return mint
