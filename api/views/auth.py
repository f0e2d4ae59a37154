"""Login, token refresh, logout, and one's own password."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.blueprint import Blueprint
from api.runtime import bearer_token, client_address, runtime, uow
from api.schemas.auth import LoginSchema, PasswordChangeSchema, RefreshSchema, TokenSchema
from api.schemas.common import RETRY_AFTER, ErrorSchema
from visitsvc.accounts import auth

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录、令牌与本人密码")


@blp.route("/auth/token")
class Token(MethodView):
    @blp.doc(security=[])
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="账号或密码错误")
    @blp.alt_response(
        429,
        schema=ErrorSchema,
        headers=RETRY_AFTER,
        description="失败过多：同一账号在同一地址失败 5 次后须等待（1 秒起逐次加倍）",
    )
    def post(self, body: dict[str, Any]) -> auth.TokenPair:
        """Log in with account and password; gives a bearer token and a refresh token."""
        return auth.login(
            uow(),
            settings=runtime().settings,
            account=body["username"],
            password=body["password"],
            address=client_address(),
        )


@blp.route("/auth/refresh")
class Refresh(MethodView):
    @blp.doc(security=[])
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="刷新令牌无效、已过期、已使用或已撤销")
    def post(self, body: dict[str, Any]) -> auth.TokenPair:
        """Exchange a refresh token (single use) for a new pair."""
        return auth.refresh(uow(), settings=runtime().settings, refresh_token=body["refresh_token"])


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> None:
        """End this session: its access and refresh tokens stop working."""
        auth.logout(uow(), access_token=bearer_token())


@blp.route("/me/password")
class MyPassword(MethodView):
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.alt_response(422, schema=ErrorSchema, description="当前密码不正确，或新密码不合要求")
    @blp.alt_response(429, schema=ErrorSchema, headers=RETRY_AFTER, description="失败过多，请稍后再试")
    def post(self, body: dict[str, Any]) -> None:
        """Change one's own password (at least 10 characters, not the account name, not a common one);
        every other session ends, this one goes on."""
        auth.change_password(
            uow(),
            access_token=bearer_token(),
            current_password=body["current_password"],
            new_password=body["new_password"],
            address=client_address(),
        )
