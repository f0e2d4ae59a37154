"""One error shape for every failure: {code, message, errors: {field: [messages]}} and, for files, rows."""

from __future__ import annotations

import logging
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from api.schemas.common import ErrorSchema, flatten_errors
from visitsvc.infrastructure.tracebacks import describe, safe_traceback
from visitsvc.kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    TooManyAttempts,
    Unauthenticated,
)

log = logging.getLogger(__name__)

STATUS: dict[type[DomainError], int] = {
    Invalid: 422,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    TooLarge: 413,
    Unauthenticated: 401,
    TooManyAttempts: 429,
}
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_attempts",
    500: "internal_error",
}
_MESSAGES = {
    404: "资源不存在",
    405: "不支持该请求方法",
    413: "请求内容过大",  # any body over its route's limit (api/limits.py), a JSON one too
    422: "输入有误",
    500: "服务器内部错误",
}


def payload(
    code: str, message: str, errors: dict[str, list[str]] | None = None, rows: list[Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "errors": errors or {}}
    if rows is not None:
        body["rows"] = rows
    return body


class VisitApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with our error shape for HTTP errors, webargs' 422 included."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> tuple[dict[str, Any], int, dict[str, str]]:
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors: dict[str, list[str]] = {}
        if "messages" in data:
            # Drop the location level ("json", "query", "files"): field names are unique per endpoint.
            for location_messages in data["messages"].values():
                errors.update(flatten_errors(location_messages))
        message = data.get("message") or _MESSAGES.get(status) or error.name
        return payload(_HTTP_CODES.get(status, "error"), message, errors), status, data.get("headers", {})


class PasswordChangeRequired(BasePlugin):
    """Documents once, for every operation that needs a login, the 403 `password_change_required` that
    `visitsvc.accounts.auth.authenticate` answers until an admin-set password is replaced: an apispec plugin
    (`Api(spec_kwargs={"extra_plugins": ...})`), so no view repeats it."""

    RESPONSE = "PASSWORD_CHANGE_REQUIRED"
    DESCRIPTION = (
        "`password_change_required`：管理员设置的密码须先由本人修改（POST /api/v1/me/password），"
        "此前除修改密码、刷新令牌和退出外，每个需登录的操作都如此答复"
    )
    # What works before the password is changed: health (no login) and auth (log in, refresh, log out, change
    # it). A blueprint per rule, so that a new view inherits its blueprint's answer.
    EXEMPT_BLUEPRINTS = frozenset({"health", "auth"})

    def init_spec(self, spec: APISpec) -> None:
        response = {"description": self.DESCRIPTION, "content": {"application/json": {"schema": ErrorSchema}}}
        spec.components.response(self.RESPONSE, response, lazy=True)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        rule: Rule | None = kwargs.get("rule")
        if rule is None or operations is None or rule.endpoint.partition(".")[0] in self.EXEMPT_BLUEPRINTS:
            return
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            own = next((key for key in responses if str(key) == "403"), None)
            if own is None:
                responses[403] = self.RESPONSE
            elif isinstance(responses[own], dict):  # a view's own 403 (a role): both reasons in one answer
                responses[own]["description"] = f"{responses[own]['description']}；或 {self.DESCRIPTION}"
                responses[own].setdefault("content", {"application/json": {"schema": "Error"}})


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> tuple[dict[str, Any], int, dict[str, str]]:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        headers: dict[str, str] = {}
        if isinstance(error, TooManyAttempts):
            headers["Retry-After"] = str(error.retry_after)
        if isinstance(error, Unauthenticated):
            headers["WWW-Authenticate"] = 'Bearer realm="visitsvc"'
        rows = (
            [{"row": r.row, "column": r.column, "message": r.message} for r in error.rows]
            if error.rows
            else None
        )
        return payload(error.code, error.message, error.errors, rows), status, headers

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[dict[str, Any], int]:
        if isinstance(error, HTTPException):  # routed here only outside flask-smorest's handler
            return payload(_HTTP_CODES.get(error.code or 500, "error"), error.name), error.code or 500
        log_unexpected(log, error)
        return payload("internal_error", _MESSAGES[500]), 500


def log_unexpected(logger: logging.Logger, error: BaseException) -> None:
    """A 500 in the log: the error's type, method and path (no query string) and a trace of frames only.

    Never `log.exception`: an error's text may hold bound values or a database's "Key (id_number)=(...)".
    """
    logger.error(
        "unhandled %s on %s %s\n%s", describe(error), request.method, request.path, safe_traceback(error)
    )
