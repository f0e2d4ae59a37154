"""Login, token refresh and logout."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from api.runtime import bearer_token, runtime, uow
from api.schemas.auth import LoginSchema, RefreshSchema, TokenSchema
from visitsvc.services import auth

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与令牌")


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="账号或密码错误")
    @blp.alt_response(429, description="同一账号一分钟内失败 5 次")
    def post(self, body: dict[str, Any]) -> auth.TokenPair:
        """Log in with account and password; gives a bearer token and a refresh token."""
        return auth.login(
            uow(), settings=runtime().settings, account=body["username"], password=body["password"]
        )


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenSchema)
    def post(self, body: dict[str, Any]) -> auth.TokenPair:
        """Exchange a refresh token (single use) for a new pair."""
        return auth.refresh(uow(), settings=runtime().settings, refresh_token=body["refresh_token"])


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> None:
        """End this session: its access and refresh tokens stop working."""
        auth.logout(uow(), access_token=bearer_token())
