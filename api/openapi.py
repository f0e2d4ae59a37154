"""The answers every operation may give besides its own, added to /openapi.json in one place (an apispec
plugin), so that a new endpoint is documented like the others without a decorator to forget:

- 401 wherever a token is needed (every operation not marked `security=[]`);
- 403, the caller's role or `password_change_required` (an account whose password an admin set), on each of
  those but the two that such an account may still call and that check no role;
- 413 wherever a body is read (api/limits.py).

Operation-specific answers (429 with Retry-After, 409, a file's rows) stay with their views' `alt_response`.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec, BasePlugin

# The operations an account must still reach while its password must change (besides the public ones).
PASSWORD_CHANGE_EXEMPT = frozenset({("post", "/api/v1/me/password"), ("post", "/api/v1/auth/logout")})

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
RESPONSES: dict[str, dict[str, Any]] = {
    "Unauthenticated": {
        "description": "未登录，或令牌无效、已过期（WWW-Authenticate: Bearer）",
        "content": _ERROR,
    },
    "Forbidden": {
        "description": "无权进行此操作；或 code=password_change_required：管理员设置的密码须先由本人修改"
        "（POST /api/v1/me/password），此前只能修改密码、刷新令牌和退出",
        "content": _ERROR,
    },
    "BodyTooLarge": {"description": "请求内容超过该接口的上限（默认 1 MiB），未读取", "content": _ERROR},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


class CommonResponses(BasePlugin):
    def init_spec(self, spec: APISpec) -> None:
        for name, response in RESPONSES.items():
            spec.components.response(name, response)

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("413", _ref("BodyTooLarge"))
            if operation.get("security") == []:
                continue
            responses.setdefault("401", _ref("Unauthenticated"))
            if (method, path) not in PASSWORD_CHANGE_EXEMPT:
                responses.setdefault("403", _ref("Forbidden"))
