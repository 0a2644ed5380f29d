"""Users on the Auth emulator through its REST API: sign up, sign in, custom claims."""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests

API_KEY = "demo-api-key"  # the Auth emulator accepts any key


@dataclass
class User:
    uid: str
    email: str
    password: str
    id_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}"}


def _post(auth_url: str, path: str, body: dict, **kwargs) -> dict:
    response = requests.post(f"{auth_url}/identitytoolkit.googleapis.com/v1/{path}", json=body, timeout=30, **kwargs)
    if response.status_code != 200:
        raise RuntimeError(f"Auth emulator {path}: {response.status_code} {response.text}")
    return response.json()


def sign_up(auth_url: str, email: str, password: str, display_name: str | None = None) -> User:
    data = _post(
        auth_url, f"accounts:signUp?key={API_KEY}", {"email": email, "password": password, "returnSecureToken": True}
    )
    user = User(uid=data["localId"], email=email, password=password, id_token=data["idToken"])
    if display_name:
        _post(auth_url, f"accounts:update?key={API_KEY}", {"idToken": user.id_token, "displayName": display_name})
        user = sign_in(auth_url, email, password)
    return user


def sign_in(auth_url: str, email: str, password: str) -> User:
    data = _post(
        auth_url,
        f"accounts:signInWithPassword?key={API_KEY}",
        {"email": email, "password": password, "returnSecureToken": True},
    )
    return User(uid=data["localId"], email=email, password=password, id_token=data["idToken"])


def set_claims(auth_url: str, project: str, uid: str, claims: dict) -> None:
    """Set custom claims as the Admin SDK would ('Bearer owner' is the emulator's admin credential)."""
    _post(
        auth_url,
        f"projects/{project}/accounts:update",
        {"localId": uid, "customAttributes": json.dumps(claims)},
        headers={"Authorization": "Bearer owner"},
    )


def revoke_tokens(auth_url: str, project: str, uid: str, valid_since: int) -> None:
    """Revoke every token issued before valid_since (seconds since the epoch)."""
    _post(
        auth_url,
        f"projects/{project}/accounts:update",
        {"localId": uid, "validSince": str(valid_since)},
        headers={"Authorization": "Bearer owner"},
    )


def verify_email(auth_url: str, project: str, uid: str) -> None:
    """Mark the account's email verified, as following the emulator's verification link would."""
    _post(
        auth_url,
        f"projects/{project}/accounts:update",
        {"localId": uid, "emailVerified": True},
        headers={"Authorization": "Bearer owner"},
    )
