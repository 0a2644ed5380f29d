"""Errors the emulator answers with: each carries the gRPC status code Firestore uses."""
from __future__ import annotations

import grpc


class EmulatorError(Exception):
    """A request failed the way Firestore fails it; `code` is the gRPC status."""

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(EmulatorError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(EmulatorError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(EmulatorError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(EmulatorError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class Aborted(EmulatorError):
    code = grpc.StatusCode.ABORTED


class DeadlineExceeded(EmulatorError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class Unimplemented(EmulatorError):
    code = grpc.StatusCode.UNIMPLEMENTED


class ResourceExhausted(EmulatorError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class Internal(EmulatorError):
    code = grpc.StatusCode.INTERNAL
