"""The answers every operation may give besides its own, added to /openapi.json in one place (an apispec
plugin), so that a new endpoint is documented like the others without a decorator to forget:

- 401 wherever a token is needed (every operation not marked `security=[]`);
- 413 wherever a body is read (api/limits.py).

403 `password_change_required` is api.errors.PasswordChangeRequired's; operation-specific answers (429 with
Retry-After, 409, a role's 403, a file's rows) stay with their views' `alt_response`.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec, BasePlugin

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
RESPONSES: dict[str, dict[str, Any]] = {
    "Unauthenticated": {
        "description": "未登录，或令牌无效、已过期（WWW-Authenticate: Bearer）",
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
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("413", _ref("BodyTooLarge"))
            if operation.get("security") == []:
                continue
            responses.setdefault("401", _ref("Unauthenticated"))
