"""Login and logout: the auth service's password check and token, kept in the signed session cookie."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import TOKEN, arg
from api.runtime import runtime, uow
from visitsvc.errors import Invalid, TooManyAttempts, Unauthenticated
from visitsvc.services import auth


@blp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    target = _safe_next(arg("next"))
    if request.method == "GET":
        return render_template("console/login.html", next=target, error=None)
    account, password = arg("username") or "", request.form.get("password", "")
    try:
        if not account or not password:
            raise Invalid("请输入账号和密码")
        pair = auth.login(uow(), settings=runtime().settings, account=account, password=password)
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
    return redirect(target or url_for("console.overview"), code=303)


@blp.post("/logout")
def logout() -> ResponseReturnValue:
    token = session.get(TOKEN)
    if isinstance(token, str) and token:
        auth.logout(uow(), access_token=token)  # the token stops working at once, wherever it was copied
    session.clear()
    return redirect(url_for("console.login"), code=303)


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
