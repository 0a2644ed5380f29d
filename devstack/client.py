"""The one small client of the Hearth API, used by the tests, the demo seed and the benchmarks.

`request` (and get/post/put/patch/delete) give the raw response, for callers that look at statuses
and headers; `call` gives the JSON of a 2xx answer and raises ApiFailure for any other.
"""

from __future__ import annotations

from typing import Any, Protocol

import requests


class Signed(Protocol):
    """Anyone who can sign a request: an Auth emulator user (authemu.User) or a test's member."""

    @property
    def headers(self) -> dict[str, str]: ...


class ApiFailure(RuntimeError):
    """An answer that was not 2xx, where the caller expected one."""

    def __init__(self, method: str, path: str, response: requests.Response) -> None:
        super().__init__(f"{method} {path}: {response.status_code} {response.text}")
        self.response = response


class Api:
    """The API under base (e.g. http://127.0.0.1:5000/api); one kept-alive HTTP session."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def request(self, method: str, path: str, user: Signed | None = None, **kwargs: Any) -> requests.Response:
        """Send a request as user (anonymous when None); kwargs go to requests (json=, params=, headers=...)."""
        headers = dict(kwargs.pop("headers", None) or {})
        if user is not None:
            headers.update(user.headers)
        kwargs.setdefault("timeout", self.timeout)
        return self.session.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path: str, user: Signed | None = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, user, **kwargs)

    def post(self, path: str, user: Signed | None = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, user, **kwargs)

    def put(self, path: str, user: Signed | None = None, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, user, **kwargs)

    def patch(self, path: str, user: Signed | None = None, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, user, **kwargs)

    def delete(self, path: str, user: Signed | None = None, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, user, **kwargs)

    def call(
        self, method: str, path: str, user: Signed | None = None, body: Any = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The JSON of a 2xx answer ({} when it has no body); ApiFailure otherwise."""
        response = self.request(method, path, user, json=body, **kwargs)
        if not response.ok:
            raise ApiFailure(method, path, response)
        return response.json() if response.content else {}
