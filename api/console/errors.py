"""Every failure under /console is a page in Chinese with the status the API would give, never a stack trace:
visitsvc's errors map as in api/errors.py, an expired form is a 400, an unknown path the not-found page."""

from __future__ import annotations

import logging

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from api.console.blueprint import blp
from api.console.web import LoginRequired, PasswordChangeRequired
from api.errors import STATUS, log_unexpected
from visitsvc.kernel.errors import DomainError, NotFound

log = logging.getLogger(__name__)

TITLES = {
    400: "请求无效",
    403: "无权访问",
    404: "页面不存在",
    405: "不支持该操作",
    409: "操作未完成",
    413: "文件过大",
    422: "输入有误",
    429: "请稍后再试",
    500: "系统出错",
}
MESSAGES = {
    403: "您的账号无权使用此页面。",
    404: "您要找的记录不存在，或不在您的管辖范围内。",
    405: "不支持该操作。",
    413: "上传的文件超过大小限制。",
    500: "系统出错，已记录。请稍后重试。",
}


def page(
    status: int, message: str | None = None, errors: dict[str, list[str]] | None = None
) -> ResponseReturnValue:
    return (
        render_template(
            "console/error.html",
            status=status,
            title=TITLES.get(status, "出错了"),
            message=message or MESSAGES.get(status, ""),
            errors=errors or {},
        ),
        status,
    )


@blp.errorhandler(LoginRequired)
def _login(_error: LoginRequired) -> ResponseReturnValue:
    # Only the path goes along: query strings may hold filters, never personal data, but there is no need.
    return redirect(url_for("console.login", next=request.path), code=303)


@blp.errorhandler(PasswordChangeRequired)
def _password(_error: PasswordChangeRequired) -> ResponseReturnValue:
    return redirect(url_for("console.password"), code=303)


@blp.errorhandler(DomainError)
def _domain(error: DomainError) -> ResponseReturnValue:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    if status == 401:
        return _login(LoginRequired())
    # A 404 says the same whatever was asked: "not yours" and "not there" must read alike.
    return page(status, None if status == 404 else error.message, error.errors)


@blp.errorhandler(CSRFError)
def _csrf(_error: CSRFError) -> ResponseReturnValue:
    return page(400, "页面已过期或表单来源不明，请刷新页面后重试。")


@blp.errorhandler(HTTPException)
def _http(error: HTTPException) -> ResponseReturnValue:
    return page(error.code or 500)


@blp.errorhandler(Exception)
def _unexpected(error: Exception) -> ResponseReturnValue:
    log_unexpected(log, error)
    return page(500)


@blp.route("/<path:_rest>", methods=["GET", "POST"])
def unknown(_rest: str) -> ResponseReturnValue:
    """Unknown console paths get the console's not-found page, not the API's JSON."""
    raise NotFound("页面不存在")
