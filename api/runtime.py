"""What a request needs from the app: settings, a unit of work and the caller behind the token."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from sqlalchemy.orm import Session, sessionmaker

from visitsvc.access.scoping import Caller
from visitsvc.accounts import auth
from visitsvc.config import Settings
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import Clock, SystemClock
from visitsvc.kernel.errors import Unauthenticated


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    sessions: sessionmaker[Session]
    clock: Clock

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.clock)


def runtime() -> Runtime:
    value: Runtime = current_app.extensions["visitsvc"]
    return value


def uow() -> UnitOfWork:
    return runtime().uow()


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("未登录", code="missing_token")
    return token.strip()


def client_address() -> str:
    """The client's IP address: the socket's, or with VISITSVC_TRUSTED_PROXIES=n the address the n-th proxy
    from us saw (ProxyFix in create_app); never a header a client could set on its own."""
    return request.remote_addr or "unknown"


def caller() -> Caller:
    """The authenticated caller; every protected view starts here, so a missing token is always a 401."""
    if "caller" not in g:
        g.caller = auth.authenticate(uow(), access_token=bearer_token())
    found: Caller = g.caller
    return found


__all__ = ["Runtime", "SystemClock", "bearer_token", "caller", "client_address", "runtime", "uow"]
