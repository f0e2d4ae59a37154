"""Login, logout and 修改密码: the auth service's password check and token, kept in the session cookie."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import TOKEN, LoginRequired, PasswordChangeRequired, arg, caller
from api.runtime import client_address, runtime, uow
from visitsvc.accounts import auth
from visitsvc.kernel.errors import Invalid, TooManyAttempts, Unauthenticated
from visitsvc.model import Role


@blp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    target = _safe_next(arg("next"))
    if request.method == "GET":
        return render_template("console/login.html", next=target, error=None)
    account, password = arg("username") or "", request.form.get("password", "")
    try:
        if not account or not password:
            raise Invalid("请输入账号和密码")
        pair = auth.login(
            uow(), settings=runtime().settings, account=account, password=password, address=client_address()
        )
    except (Invalid, Unauthenticated, TooManyAttempts) as error:
        status = (
            429 if isinstance(error, TooManyAttempts) else 401 if isinstance(error, Unauthenticated) else 422
        )
        return render_template(
            "console/login.html", next=target, error=error.message, account=account
        ), status
    session.clear()  # a new session on login: nothing from before it (a planted cookie) carries over
    session[TOKEN] = pair.access_token
    session.permanent = True
    if pair.password_change_required:
        return redirect(url_for("console.password"), code=303)
    home = "console.partners" if pair.role is Role.COORDINATOR else "console.overview"
    return redirect(target or url_for(home), code=303)


@blp.post("/logout")
def logout() -> ResponseReturnValue:
    token = session.get(TOKEN)
    if isinstance(token, str) and token:
        auth.logout(uow(), access_token=token)  # the token stops working at once, wherever it was copied
    session.clear()
    return redirect(url_for("console.login"), code=303)


@blp.route("/password", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    """修改密码: any logged-in account, also one whose admin-set password must be replaced first."""
    try:
        caller()  # the page's header and menu; raises LoginRequired without a live session
        required = False
    except PasswordChangeRequired:
        required = True
    token = session[TOKEN]
    if request.method == "GET":
        return render_template(
            "console/password.html", nav="password", required=required, errors={}, error=None
        )
    current, new = request.form.get("current_password", ""), request.form.get("new_password", "")
    try:
        if new != request.form.get("new_password_again", ""):
            raise Invalid("输入有误", errors={"new_password_again": ["两次输入的新密码不一致"]})
        auth.change_password(
            uow(), access_token=token, current_password=current, new_password=new, address=client_address()
        )
    except Unauthenticated:
        session.clear()
        raise LoginRequired from None
    except (Invalid, TooManyAttempts) as error:
        status = 429 if isinstance(error, TooManyAttempts) else 422
        return render_template(
            "console/password.html",
            nav="password",
            required=required,
            errors=error.errors,
            error=error.message,
        ), status
    flash("密码已修改，其他设备上的登录已失效", "ok")
    return redirect(url_for("console.overview"), code=303)


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
