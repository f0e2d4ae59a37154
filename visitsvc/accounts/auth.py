"""Logins, bearer tokens, refresh tokens and people's own passwords.

Tokens are random and stored as SHA-256 digests, so they can be revoked one by one (a lost phone) or all at
once (deactivation, a new password). A refresh token is rotated on every use; a reuse more than a minute after
its rotation revokes its whole family (the usual defence against a stolen refresh token), a reuse within the
minute is refused alone (a phone that lost the answer to its refresh on a bad link).

Every password check is recorded before it runs and throttled by the failures already recorded
(docs/adr/0012-login-throttling.md); the client address comes from the HTTP layer as a plain string.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from visitsvc.access.login_throttle import LoginLimits, retry_after
from visitsvc.access.scoping import Caller, caller_for, filing_path
from visitsvc.accounts import audit
from visitsvc.accounts.passwords import password_problems
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Forbidden, Invalid, NotFound, TooManyAttempts, Unauthenticated
from visitsvc.kernel.month import Month
from visitsvc.model import AttemptOutcome, AuthToken, Role, TokenKind, Worker


class TokenLifetimes(Protocol):
    """What logging in needs of the settings (visitsvc.config.Settings): how long tokens live."""

    @property
    def access_token_seconds(self) -> int: ...
    @property
    def refresh_token_seconds(self) -> int: ...


_hasher = PasswordHasher()
# Verifying against a real hash when the account does not exist keeps both answers equally slow.
_DUMMY_HASH = _hasher.hash("not-a-password")
MIN_PASSWORD_LENGTH = 8  # a password an admin hands out, to be changed at the next login
LIMITS = LoginLimits()
REUSE_GRACE = timedelta(seconds=60)  # a refresh token reused this soon after its rotation: a lost answer
ADDRESS_LENGTH = 45
ACCOUNT_LENGTH = 50


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    role: Role
    password_change_required: bool = False


@dataclass(frozen=True, slots=True)
class _Verified:
    attempt_id: int
    worker_id: int
    password_hash: str


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("输入有误", errors={"password": [f"密码至少 {MIN_PASSWORD_LENGTH} 位"]})
    return _hasher.hash(password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(uow: UnitOfWork, worker: Worker, settings: TokenLifetimes, family: str) -> TokenPair:
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
        access,
        refresh,
        settings.access_token_seconds,
        settings.refresh_token_seconds,
        worker.role,
        worker.password_must_change,
    )


def login(
    uow: UnitOfWork, *, settings: TokenLifetimes, account: str, password: str, address: str
) -> TokenPair:
    """A token pair for the right password; 401 for a wrong one or an unknown account (alike), 429 with
    Retry-After while the throttle makes this account or address wait."""
    verified = _check_password(uow, account=account, password=password, address=address)
    if verified is None:
        raise Unauthenticated("账号或密码错误", code="bad_credentials")
    with uow:
        uow.tokens.settle_attempt(verified.attempt_id, AttemptOutcome.SUCCEEDED)  # first: the write lock
        worker = uow.workers.find_by_account_id(verified.worker_id)
        if worker is None or not worker.active or worker.password_hash != verified.password_hash:
            raise Unauthenticated("账号或密码错误", code="bad_credentials")  # changed while we checked
        if _hasher.check_needs_rehash(verified.password_hash):
            worker.password_hash = _hasher.hash(password)
        pair = _issue(uow, worker, settings, family=secrets.token_hex(16))
        uow.commit()
        return pair


def _check_password(uow: UnitOfWork, *, account: str, password: str, address: str) -> _Verified | None:
    """Record the attempt and let the throttle decide from the failures recorded before it, in one short
    committed transaction; verify with no transaction open. A mismatch is settled as a failure here, a match
    is left for the caller to settle as a success in its own transaction."""
    address = (address or "unknown")[:ADDRESS_LENGTH]
    key = account[:ACCOUNT_LENGTH]  # the console's form is not length-checked; no account is longer
    with uow:
        now = uow.clock.now()
        attempt_id = uow.tokens.add_attempt(key, address, now)
        wait = retry_after(LIMITS, uow.tokens.failures(attempt_id, key, address, LIMITS.since(now)), now)
        if wait > 0:
            uow.tokens.settle_attempt(attempt_id, AttemptOutcome.REFUSED)
        uow.commit()
    if wait > 0:
        raise TooManyAttempts("登录失败次数过多，请稍后再试", retry_after=wait)
    with uow:
        worker = uow.workers.find_by_account(account)
        stored = worker.password_hash if worker is not None and worker.active else None
        worker_id = worker.id if worker is not None else None
    if _password_matches(stored, password):
        assert stored is not None
        assert worker_id is not None
        return _Verified(attempt_id, worker_id, stored)
    with uow:
        uow.tokens.settle_attempt(attempt_id, AttemptOutcome.FAILED)
        uow.tokens.forget_attempts(now - LIMITS.longest_window)
        uow.commit()
    return None


def _password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def refresh(uow: UnitOfWork, *, settings: TokenLifetimes, refresh_token: str) -> TokenPair:
    digest = _digest(refresh_token)
    with uow:
        now = uow.clock.now()
        # The conditional UPDATE comes first: of two concurrent uses of one token exactly one rotates it.
        if uow.tokens.rotate(digest, now):
            row = uow.tokens.by_hash(digest)
            assert row is not None
            worker = uow.workers.find_by_account_id(row.worker_id)
            if worker is None or not worker.active:
                raise Unauthenticated("账号已停用", code="invalid_token")
            pair = _issue(uow, worker, settings, family=row.family)
            uow.commit()
            return pair
        row = uow.tokens.by_hash(digest)
        if row is None or row.kind is not TokenKind.REFRESH:
            raise Unauthenticated("刷新令牌无效", code="invalid_token")
        if row.revoked_at is None:
            raise Unauthenticated("刷新令牌已过期", code="invalid_token")
        if now - row.revoked_at > REUSE_GRACE:
            uow.tokens.revoke_family(row.family, now)
            uow.commit()
        raise Unauthenticated("刷新令牌已使用或已撤销", code="invalid_token")


def change_password(
    uow: UnitOfWork,
    *,
    access_token: str,
    current_password: str,
    new_password: str,
    address: str,
) -> None:
    """Someone sets their own password: the current one checked through the login throttle, the new one
    held to the rule in visitsvc/passwords.py. Every other session ends; this one goes on."""
    with uow:
        token, worker = _token_worker(uow, access_token)
        account, family = worker.account, token.family
    problems = password_problems(new_password, account=account, current=current_password)
    if problems:
        raise Invalid("输入有误", errors={"new_password": problems})
    verified = _check_password(uow, account=account, password=current_password, address=address)
    if verified is None:
        raise Invalid("输入有误", errors={"current_password": ["当前密码不正确"]})
    with uow:
        uow.tokens.settle_attempt(verified.attempt_id, AttemptOutcome.SUCCEEDED)
        now = uow.clock.now()
        found = uow.workers.find_by_account_id(verified.worker_id)
        if found is None or not found.active or found.password_hash != verified.password_hash:
            raise Invalid("输入有误", errors={"current_password": ["当前密码不正确"]})
        worker = found
        worker.password_hash = _hasher.hash(new_password)
        worker.password_must_change = False
        worker.password_is_demo = False
        worker.updated_at = now
        uow.tokens.revoke_others(worker.id, family, now)
        audit.record(
            uow,
            _caller_of(uow, worker),
            action="worker.password_change",
            record_type="worker",
            record_id=worker.id,
            area_path=filing_path(worker),
            details={"changes": {"password": ["***", "***"]}},
        )
        uow.commit()


def count_demo_passwords(uow: UnitOfWork) -> int:
    """Accounts still on the seed's public demo password: production refuses to start while any is left."""
    with uow:
        return uow.tokens.count_demo_passwords()


def logout(uow: UnitOfWork, *, access_token: str) -> None:
    with uow:
        row = uow.tokens.by_hash(_digest(access_token))
        if row is not None:
            uow.tokens.revoke_family(row.family, uow.clock.now())
        uow.commit()


def authenticate(uow: UnitOfWork, *, access_token: str) -> Caller:
    """The caller behind an access token. An account whose password an admin set gets 403
    `password_change_required` until its owner chooses one (POST /api/v1/me/password)."""
    with uow:
        _token, worker = _token_worker(uow, access_token)
        if worker.password_must_change:
            raise Forbidden(
                "请先修改密码：管理员设置的密码须在首次登录后更换", code="password_change_required"
            )
        return _caller_of(uow, worker)


def _token_worker(uow: UnitOfWork, access_token: str) -> tuple[AuthToken, Worker]:
    row = uow.tokens.by_hash(_digest(access_token))
    if row is None or row.kind is not TokenKind.ACCESS or row.revoked_at is not None:
        raise Unauthenticated("未登录或令牌无效", code="invalid_token")
    if row.expires_at <= uow.clock.now():
        raise Unauthenticated("令牌已过期", code="token_expired")
    worker = uow.workers.find_by_account_id(row.worker_id)
    if worker is None or not worker.active:
        raise Unauthenticated("账号已停用", code="invalid_token")
    return row, worker


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
    today = uow.clock.today()
    return caller_for(worker, assigned_people(uow, worker, Month.of(today), today))


def assigned_people(uow: UnitOfWork, worker: Worker, month: Month, day: date) -> frozenset[int]:
    """The people a worker's scope holds beyond any area on `day` of `month`: a grid worker's people of
    other grids planned to them; a visitor's people paired with them on `day` or planned to them in `month`;
    a coordinator's people paired with their organisation or its staff on `day`."""
    if worker.role is Role.GRID_WORKER:
        return uow.plans.assigned_elsewhere(worker.id, month)
    if worker.role is Role.VISITOR:
        planned = uow.plans.people_of_worker(worker.id, month)
        return frozenset(uow.pairings.people_of_visitor(worker.id, day) | planned)
    if worker.role is Role.COORDINATOR and worker.organisation_id is not None:
        return frozenset(uow.pairings.people_of_organisation(worker.organisation_id, day))
    return frozenset()
