"""For tests that run the API app in-process (a Flask test client): a token verifier that trusts the
token as the caller ("<uid>" or "<uid>:mod" for a moderator) and the header that carries it."""

from __future__ import annotations

from typing import Any


def verify_token(token: str, check_revoked: bool) -> dict[str, Any]:
    uid, _, role = token.partition(":")
    return {"uid": uid, **({"moderator": True} if role == "mod" else {})}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
