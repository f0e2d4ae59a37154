"""Logins, bearer tokens and refresh tokens.

Tokens are random and stored as SHA-256 digests, so they can be revoked one by one (a lost phone) or all at
once (deactivation, a new password); a refresh token is rotated on every use and a reused one revokes its
whole family, the usual defence against a stolen refresh token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from visitsvc.config import Settings
from visitsvc.errors import Forbidden, Invalid, NotFound, TooManyAttempts, Unauthenticated
from visitsvc.model import AuthToken, Role, TokenKind, Worker
from visitsvc.month import Month
from visitsvc.scoping import Caller, caller_for
from visitsvc.uow import UnitOfWork

_hasher = PasswordHasher()
# Verifying against a real hash when the account does not exist keeps both answers equally slow.
_DUMMY_HASH = _hasher.hash("not-a-password")
MIN_PASSWORD_LENGTH = 8
FAILURE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    role: Role


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("输入有误", errors={"password": [f"密码至少 {MIN_PASSWORD_LENGTH} 位"]})
    return _hasher.hash(password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(uow: UnitOfWork, worker: Worker, settings: Settings, family: str) -> TokenPair:
    now = uow.clock.now()
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    for kind, token, seconds in (
        (TokenKind.ACCESS, access, settings.access_token_seconds),
        (TokenKind.REFRESH, refresh, settings.refresh_token_seconds),
    ):
        uow.tokens.add(
            AuthToken(
                worker_id=worker.id,
                kind=kind,
                token_hash=_digest(token),
                family=family,
                issued_at=now,
                expires_at=now + timedelta(seconds=seconds),
            )
        )
    return TokenPair(
        access, refresh, settings.access_token_seconds, settings.refresh_token_seconds, worker.role
    )


def login(uow: UnitOfWork, *, settings: Settings, account: str, password: str) -> TokenPair:
    with uow:
        now = uow.clock.now()
        failures = uow.tokens.failures_since(account, now - FAILURE_WINDOW)
        if len(failures) >= settings.login_failures_per_minute:
            retry_after = max(1, int((failures[0] + FAILURE_WINDOW - now).total_seconds()) + 1)
            raise TooManyAttempts("登录失败次数过多，请稍后再试", retry_after=retry_after)
        worker = uow.workers.find_by_account(account)
        if not _password_matches(worker, password):
            uow.tokens.record_failure(account, now)
            uow.tokens.forget_failures(now - timedelta(days=1))
            uow.commit()  # the failure must count even though the request fails
            raise Unauthenticated("账号或密码错误", code="bad_credentials")
        assert worker is not None  # _password_matches is False for a missing worker
        if worker.password_hash and _hasher.check_needs_rehash(worker.password_hash):
            worker.password_hash = _hasher.hash(password)
        pair = _issue(uow, worker, settings, family=secrets.token_hex(16))
        uow.commit()
        return pair


def _password_matches(worker: Worker | None, password: str) -> bool:
    stored = worker.password_hash if worker is not None and worker.active else None
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def refresh(uow: UnitOfWork, *, settings: Settings, refresh_token: str) -> TokenPair:
    with uow:
        now = uow.clock.now()
        row = uow.tokens.by_hash(_digest(refresh_token))
        if row is None or row.kind is not TokenKind.REFRESH:
            raise Unauthenticated("刷新令牌无效", code="invalid_token")
        if row.revoked_at is not None:
            uow.tokens.revoke_family(row.family, now)
            uow.commit()
            raise Unauthenticated("刷新令牌已使用或已撤销", code="invalid_token")
        worker = uow.workers.find_by_account_id(row.worker_id)
        if row.expires_at <= now or worker is None or not worker.active:
            raise Unauthenticated("刷新令牌已过期", code="invalid_token")
        row.revoked_at = now
        pair = _issue(uow, worker, settings, family=row.family)
        uow.commit()
        return pair


def logout(uow: UnitOfWork, *, access_token: str) -> None:
    with uow:
        row = uow.tokens.by_hash(_digest(access_token))
        if row is not None:
            uow.tokens.revoke_family(row.family, uow.clock.now())
        uow.commit()


def authenticate(uow: UnitOfWork, *, access_token: str) -> Caller:
    with uow:
        row = uow.tokens.by_hash(_digest(access_token))
        if row is None or row.kind is not TokenKind.ACCESS or row.revoked_at is not None:
            raise Unauthenticated("未登录或令牌无效", code="invalid_token")
        if row.expires_at <= uow.clock.now():
            raise Unauthenticated("令牌已过期", code="token_expired")
        worker = uow.workers.find_by_account_id(row.worker_id)
        if worker is None or not worker.active:
            raise Unauthenticated("账号已停用", code="invalid_token")
        return _caller_of(uow, worker)


def act_as(uow: UnitOfWork, *, caller: Caller, worker_id: int) -> Caller:
    """The caller a worker's own login gives, for the system alone: the simulation plays every worker's phone
    and every supervisor's desk through the services, with exactly the rights their logins would have."""
    if not caller.is_system:
        raise Forbidden("只有系统可以代行账号", code="forbidden")
    with uow:
        worker = uow.workers.find_by_account_id(worker_id)
        if worker is None or not worker.active:
            raise NotFound("账号不存在或已停用")
        return _caller_of(uow, worker)


def _caller_of(uow: UnitOfWork, worker: Worker) -> Caller:
    assigned = frozenset[int]()
    if worker.role is Role.GRID_WORKER:
        assigned = uow.plans.assigned_elsewhere(worker.id, str(Month.of(uow.clock.today())))
    return caller_for(worker, assigned)
