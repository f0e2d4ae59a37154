"""Bearer tokens and login attempts: what sign-in and its throttle read and write."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, delete, func, select, text, update
from sqlalchemy.orm import Session

from visitsvc.access.login_throttle import Failures, Windows
from visitsvc.model import AttemptOutcome, AuthToken, LoginAttempt, TokenKind, Worker


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: AuthToken) -> None:
        self.session.add(token)

    def by_hash(self, token_hash: str) -> AuthToken | None:
        return self.session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash))

    def revoke_worker(self, worker_id: int, at: datetime) -> None:
        self.session.execute(
            update(AuthToken)
            .where(AuthToken.worker_id == worker_id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_family(self, family: str, at: datetime) -> None:
        self.session.execute(
            update(AuthToken)
            .where(AuthToken.family == family, AuthToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def rotate(self, token_hash: str, at: datetime) -> bool:
        """Use up a live refresh token: a conditional UPDATE, so of two concurrent uses exactly one wins."""
        result = self.session.execute(
            update(AuthToken)
            .where(
                AuthToken.token_hash == token_hash,
                AuthToken.kind == TokenKind.REFRESH,
                AuthToken.revoked_at.is_(None),
                AuthToken.expires_at > at,
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    def revoke_others(self, worker_id: int, keep_family: str, at: datetime) -> None:
        self.session.execute(
            update(AuthToken)
            .where(
                AuthToken.worker_id == worker_id,
                AuthToken.family != keep_family,
                AuthToken.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )

    def add_attempt(self, account: str, address: str, at: datetime) -> int:
        """Record a password check about to run. Recordings take turns (SQLite has one writer; PostgreSQL
        is told to lock the table against other writers until commit, a few milliseconds), so the rows
        before this one's id are exactly those committed before it."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("LOCK TABLE login_attempts IN EXCLUSIVE MODE"))
        attempt = LoginAttempt(account=account, address=address, at=at, outcome=AttemptOutcome.PENDING)
        self.session.add(attempt)
        self.session.flush()
        return attempt.id

    def settle_attempt(self, attempt_id: int, outcome: AttemptOutcome) -> None:
        self.session.execute(
            update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(outcome=outcome)
        )

    def failures(self, attempt_id: int, account: str, address: str, windows: Windows) -> Failures:
        """Failure times recorded before this attempt (checks still running count as failures): for its
        (account, address) pair since the pair's last success, for the account, for the address."""
        counted = LoginAttempt.outcome.in_((AttemptOutcome.PENDING, AttemptOutcome.FAILED))
        others = LoginAttempt.id < attempt_id
        last_success = (
            select(func.coalesce(func.max(LoginAttempt.id), 0))
            .where(
                LoginAttempt.account == account,
                LoginAttempt.address == address,
                LoginAttempt.outcome == AttemptOutcome.SUCCEEDED,
            )
            .scalar_subquery()
        )

        def times(*where: ColumnElement[bool]) -> list[datetime]:
            return list(self.session.scalars(select(LoginAttempt.at).where(counted, others, *where)))

        return Failures(
            pair=times(
                LoginAttempt.account == account,
                LoginAttempt.address == address,
                LoginAttempt.at > windows.pair,
                LoginAttempt.id > last_success,
            ),
            account=times(LoginAttempt.account == account, LoginAttempt.at > windows.account),
            address=times(LoginAttempt.address == address, LoginAttempt.at > windows.address),
        )

    def forget_attempts(self, before: datetime) -> None:
        self.session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))

    def count_demo_passwords(self) -> int:
        query = select(func.count(Worker.id)).where(Worker.password_is_demo.is_(True))
        return int(self.session.scalar(query) or 0)

    def count_live(self, worker_id: int, now: datetime) -> int:
        query = select(func.count(AuthToken.id)).where(
            AuthToken.worker_id == worker_id, AuthToken.revoked_at.is_(None), AuthToken.expires_at > now
        )
        return int(self.session.scalar(query) or 0)
