"""Bearer and refresh tokens (stored hashed, so a database leak yields no usable token) and login attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from visitsvc.model.base import Base, enum_column


class TokenKind(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


class AuthToken(Base):
    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    kind: Mapped[TokenKind] = mapped_column(enum_column(TokenKind))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Every pair issued from one login shares a family: a reused refresh token revokes the whole family.
    family: Mapped[str] = mapped_column(String(32), index=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AttemptOutcome(StrEnum):
    PENDING = "pending"  # recorded, not yet verified: counts as a failure until it succeeds
    FAILED = "failed"
    SUCCEEDED = "succeeded"
    REFUSED = "refused"  # throttled, never verified: not a failure (docs/adr/0012-login-throttling.md)


class LoginAttempt(Base):
    """One password check, recorded (and committed) before the check runs, so none goes uncounted."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(50), index=True)  # as typed: unknown accounts count too
    address: Mapped[str] = mapped_column(String(45), index=True)  # the client's IP address (IPv6 fits)
    at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[AttemptOutcome] = mapped_column(enum_column(AttemptOutcome))
