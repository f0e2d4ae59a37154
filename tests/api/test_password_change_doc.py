"""The OpenAPI spec says where 403 `password_change_required` is answered: every operation that needs a login,
except changing the password, refreshing and logging out (and what needs no login)."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.api.test_passwords import HANDED_OUT, admin_sets, bearer, token
from tests.factories import District

EXAMPLES = {"month": "2026-11"}  # path parameters that are not ids


def documents_password_change(spec: dict[str, Any], operation: dict[str, Any]) -> bool:
    response = operation["responses"].get("403")
    if response is None:
        return False
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return "password_change_required" in response["description"]


def test_the_spec_documents_password_change_required_exactly_where_it_is_answered(
    client: FlaskClient, district: District
) -> None:
    admin_sets(client, district, "w_a1")
    spec = client.get("/openapi.json").json
    assert spec is not None
    checked = 0
    for path, operations in spec["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: EXAMPLES.get(m[1], "1"), path)
        for method, operation in operations.items():
            if method == "parameters":
                continue
            headers = bearer(token(client, "w_a1", HANDED_OUT))  # a session each: logging out ends one
            answer = client.open(url, method=method.upper(), headers=headers, json={})
            refused = answer.status_code == 403 and answer.json["code"] == "password_change_required"  # type: ignore[index]
            if documents_password_change(spec, operation):
                # The body and query are checked (422) before anyone asks who is calling.
                assert refused or answer.status_code == 422, (method, path, answer.status_code)
                checked += refused
            else:
                assert not refused, f"{method.upper()} {path} answers password_change_required undocumented"
    assert checked >= 20


def test_the_answer_is_written_once_in_the_spec(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    assert spec is not None
    route = spec["paths"]["/api/v1/me/route"]["get"]["responses"]["403"]
    assert route == {"$ref": "#/components/responses/PASSWORD_CHANGE_REQUIRED"}
    lookup = spec["paths"]["/api/v1/elders/lookup"]["post"]["responses"]["403"]["description"]
    assert "forbidden" in lookup, "a view's own 403 keeps its reason"
    assert "password_change_required" in lookup
