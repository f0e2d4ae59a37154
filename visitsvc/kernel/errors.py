"""Domain errors. The HTTP layer maps each to one status code; the CLI to an exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem in one cell of an imported file; rows are numbered as in a spreadsheet (header = 1)."""

    row: int
    column: str
    message: str


class DomainError(Exception):
    code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
        rows: list[RowError] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.errors = errors or {}
        self.rows = rows or []


class Invalid(DomainError):
    """Input that breaks a rule (HTTP 422)."""

    code = "invalid"


class NotFound(DomainError):
    """Missing, or outside the caller's area: the two are indistinguishable on purpose (HTTP 404)."""

    code = "not_found"


class Forbidden(DomainError):
    """The caller's role may not do this at all (HTTP 403)."""

    code = "forbidden"


class Conflict(DomainError):
    """The request contradicts what is stored (HTTP 409)."""

    code = "conflict"


class TooLarge(DomainError):
    """An upload over its size limit (HTTP 413)."""

    code = "too_large"


class Unauthenticated(DomainError):
    """No valid credentials (HTTP 401)."""

    code = "unauthenticated"


class TooManyAttempts(DomainError):
    """Too many failed logins for one account (HTTP 429)."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def invalid_field(field: str, message: str) -> Invalid:
    return Invalid("输入有误", errors={field: [message]})
