"""Exception root of the server package and the JSON error every client sees.

Every refusal is an :class:`ApiError` carrying an HTTP status, a stable machine-readable
code and a message a person can act on. Messages never echo request content.
"""

from __future__ import annotations


class ServerError(Exception):
    """Root of every error raised by ``server``."""


class ConfigError(ServerError):
    """The server cannot start with the given configuration (bad file, missing key, ...)."""


class StorageError(ServerError):
    """The database failed or is unreachable; the request may be retried later."""


class ApiError(ServerError):
    """A request refused with ``status`` and the body ``{"error": code, "message": message}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message)


def forbidden(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)


def not_found(code: str, message: str) -> ApiError:
    return ApiError(404, code, message)


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)
