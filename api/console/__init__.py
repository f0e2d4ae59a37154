"""The supervisor's web console: server-rendered pages in Chinese under /console, a second thin entry point
beside the API over the same services, the same Caller and the same scoping (docs/adr/0007-console.md)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from api.console import errors, labels
from api.console.blueprint import blp
from api.console.settings import ConsoleSettings, console_settings
from api.console.views import (
    absences,
    admin,
    appointments,
    auth,
    elders,
    ledger,
    missed,
    notifications,
    overview,
    partners,
    plan_options,
    policy,
    queues,
    routes,
    statements,
)
from api.console.web import caller
from api.schemas.common import INVALID_TEXT, clean_name, has_invalid_text
from visitsvc.access.scoping import require_supervisor
from visitsvc.config import Settings
from visitsvc.kernel.errors import Invalid
from visitsvc.model import Role

csrf = CSRFProtect()
OPEN_ENDPOINTS = frozenset({"console.login", "console.static"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A coordinator's console: their organisation, its contracts, staff and pairings, and its statements. The
# services behind these pages scope them to the organisation; every other page is for supervisors.
COORDINATOR_PAGES = frozenset(
    {"console.partners", "console.partner", "console.statements_page", "console.statement_download"}
)
__all__ = [
    "absences",
    "admin",
    "appointments",
    "auth",
    "elders",
    "errors",
    "ledger",
    "missed",
    "notifications",
    "overview",
    "partners",
    "plan_options",
    "policy",
    "queues",
    "routes",
    "statements",
]


def init_app(app: Flask, settings: Settings) -> None:
    console = console_settings(settings)
    app.extensions["visitsvc_console"] = console
    app.config.update(
        SESSION_COOKIE_NAME="visitsvc_console",
        SESSION_COOKIE_PATH="/console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=console.https,
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.access_token_seconds),
        # The API's bearer-token endpoints take no cookies, so they need no CSRF token: only the console
        # checks, in _guard below.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session: a page left open over lunch still posts
        WTF_CSRF_SSL_STRICT=console.https,
    )
    csrf.init_app(app)
    labels.register(app)
    app.register_blueprint(blp)


@blp.before_request
def _guard() -> None:
    """Every form is checked for its CSRF token; every page but the login is for supervisors and admins,
    decided by the same rule the supervisor services apply (a grid worker gets the 403 page). A query or
    form with a NUL or a lone surrogate (no database holds them) is the 422 page before anything reads it."""
    invalid = {
        clean_name(name): [INVALID_TEXT]
        for source in (request.args, request.form)
        for name, value in source.items(multi=True)
        if has_invalid_text(name) or has_invalid_text(value)
    }
    if invalid:
        raise Invalid("输入有误", errors=invalid)
    if request.method not in SAFE_METHODS:
        csrf.protect()
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint in ("console.logout", "console.password"):
        return  # the password page authenticates its own token: any role, a pending change included
    me = caller()
    if me.role is Role.COORDINATOR and request.endpoint in COORDINATOR_PAGES:
        return
    require_supervisor(me)


@blp.context_processor
def _context() -> dict[str, object]:
    return {"me": g.get("console_caller")}


@blp.after_request
def _headers(response: Response) -> Response:
    console: ConsoleSettings = _settings()
    img = " ".join(filter(None, ["'self'", "data:", console.tile_source]))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {img}; connect-src 'self'; font-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"  # pages carry personal data
    return response


def _settings() -> ConsoleSettings:
    found: ConsoleSettings = current_app.extensions["visitsvc_console"]
    return found
