"""What every console page needs: the caller behind the session cookie, parsed form and query values, and
safe redirects. Parsing failures are `Invalid`, shown as the friendly error page like any other."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TypeVar

from flask import flash, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from api.runtime import uow
from visitsvc.access.scoping import Caller
from visitsvc.accounts import auth
from visitsvc.kernel.errors import Conflict, Forbidden, Invalid, Unauthenticated, invalid_field
from visitsvc.kernel.month import Month

TOKEN = "token"  # noqa: S105 - the session's access token: the same token an API login gives, revoked on logout
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class LoginRequired(Exception):
    """No session, or its token expired or was revoked: the login page, then back."""


class PasswordChangeRequired(Exception):
    """An admin set this account's password: the 修改密码 page until its owner chooses their own."""


def caller() -> Caller:
    """The logged-in caller, authenticated on every request by the auth service (expiry, revocation and
    deactivation apply at once), never from what the cookie says about roles or areas."""
    if "console_caller" not in g:
        token = session.get(TOKEN)
        if not isinstance(token, str) or not token:
            raise LoginRequired
        try:
            g.console_caller = auth.authenticate(uow(), access_token=token)
        except Unauthenticated:
            session.clear()
            raise LoginRequired from None
        except Forbidden as error:
            if error.code == "password_change_required":
                raise PasswordChangeRequired from None
            raise
    found: Caller = g.console_caller
    return found


def arg(name: str) -> str | None:
    """A query or form value, stripped; empty means absent."""
    raw = request.values.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    return raw or None


def month_arg(name: str = "month") -> Month | None:
    raw = arg(name)
    if raw is None:
        return None
    try:
        return Month.parse(raw)
    except ValueError as exc:
        raise invalid_field(name, str(exc)) from None


def int_arg(name: str) -> int | None:
    raw = arg(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 10 or int(raw) > 2**31 - 1:
        raise invalid_field(name, "须为正整数")
    return int(raw)


def date_arg(name: str) -> date | None:
    raw = arg(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise invalid_field(name, "日期格式应为 YYYY-MM-DD") from None


def enum_arg(name: str, kind: type[E]) -> E | None:
    raw = arg(name)
    if raw is None:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise invalid_field(name, "不是可选的值") from None


def bool_arg(name: str) -> bool | None:
    raw = arg(name)
    if raw is None:
        return None
    if raw not in ("1", "0"):
        raise invalid_field(name, "须为 1 或 0")
    return raw == "1"


def need(value: T | None, name: str, message: str = "必填") -> T:
    if value is None:
        raise invalid_field(name, message)
    return value


def back(default: str = "console.overview") -> Response:
    """303 to the `next` form value when it is a console path, else to `default`: never off-site."""
    return redirect(back_target(default), code=303)


def back_target(default: str = "console.overview") -> str:
    target = arg("next")
    if target is None or not target.startswith("/console/") or target.startswith("//") or "\\" in target:
        target = url_for(default)
    return target


def query_without(*names: str) -> dict[str, str]:
    """The current query string minus some keys: for links that change one filter or the page."""
    return {k: v for k, v in request.args.items() if k not in names and v}


def done(message: str, default: str = "console.overview") -> Response:
    flash(message, "ok")
    return back(default)


def refused(error: Invalid | Conflict, default: str = "console.overview") -> Response:
    """A decision the rules refused (bad input, a conflict): said on the page it came from, not a dead end."""
    details = "；".join(m for messages in error.errors.values() for m in messages)
    flash(f"{error.message}{'：' + details if details else ''}", "error")
    return back(default)
