"""Domain errors. The HTTP boundary (hearth.http) is the one place that turns them into responses."""

from __future__ import annotations


class ApiError(Exception):
    """A request that cannot be served; `status` and `code` say how the boundary answers it."""

    status = 500
    code = "internal"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def headers(self) -> dict[str, str]:
        return {}

    def details(self) -> dict[str, object]:
        """Fields the error carries besides code, message and field."""
        return {}


class BadRequest(ApiError):
    status, code = 400, "bad_request"


class Unauthenticated(ApiError):
    status, code = 401, "unauthenticated"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class Suspended(Forbidden):
    """The caller is suspended: every write is refused until `until`, and the error says why."""

    code = "suspended"

    def __init__(self, reason: str, until: str) -> None:
        super().__init__(f"your account is suspended until {until}: {reason}")
        self.reason, self.until = reason, until

    def details(self) -> dict[str, object]:
        return {"reason": self.reason, "until": self.until}


class OriginNotAllowed(Forbidden):
    """A page of a site that is not in HEARTH_EMBED_ORIGINS (the embed's allowed origins)."""

    code = "origin_not_allowed"


class NotFound(ApiError):
    status, code = 404, "not_found"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class Invalid(ApiError):
    """A well-formed request whose content breaks a rule (length, pattern, range)."""

    status, code = 422, "invalid_argument"


class Busy(ApiError):
    """Contention that outlasted every retry: the client may simply try again."""

    status, code = 503, "busy"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class RateLimited(ApiError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
