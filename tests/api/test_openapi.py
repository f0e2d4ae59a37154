"""/openapi.json says what the API answers (schemathesis checks it against real answers): every reference
resolves, and every status and content type an operation gives is documented."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Worker


@pytest.fixture
def spec(app: Flask) -> dict[str, Any]:
    document: dict[str, Any] = app.test_client().get("/openapi.json").json
    return document


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _resolve(spec: dict[str, Any], reference: str) -> Any:
    node: Any = spec
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_every_reference_in_the_document_resolves(spec: dict[str, Any]) -> None:
    broken = []
    for reference in set(_references(spec)):
        try:
            _resolve(spec, reference)
        except KeyError:
            broken.append(reference)
    assert broken == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_register_export_answers_in_a_documented_content_type(
    client: FlaskClient, district: District, login: Callable[[str], Headers], spec: dict[str, Any], fmt: str
) -> None:
    response = client.get("/api/v1/elders/export", query_string={"format": fmt}, headers=login("sup_a"))
    assert response.status_code == 200
    documented = spec["paths"]["/api/v1/elders/export"]["get"]["responses"]["200"]["content"]
    assert response.mimetype in documented


PUBLIC = {("get", "/api/v1/health"), ("post", "/api/v1/auth/token"), ("post", "/api/v1/auth/refresh")}
# What an account whose password an admin set may still call: neither checks a role.
PASSWORD_CHANGE_ALLOWED = {("post", "/api/v1/me/password"), ("post", "/api/v1/auth/logout")}


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


def assert_documented(spec: dict[str, Any], method: str, path: str, response: Any) -> None:
    """The answer's status is listed for the operation (not only `default`), with its content type and
    headers; an error body is the one error shape."""
    responses = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, f"{response.status_code} undocumented on {method} {path}"
    documented = responses[str(response.status_code)]
    if "$ref" in documented:
        documented = _resolve(spec, documented["$ref"])
    assert response.mimetype in documented.get("content", {})
    for header in documented.get("headers", {}):
        assert header in response.headers
    if response.status_code >= 400:
        assert set(response.json) <= {"code", "message", "errors", "rows"}


def test_only_health_login_and_refresh_need_no_token(spec: dict[str, Any]) -> None:
    public = {
        (method, path) for method, path, operation in _operations(spec) if operation.get("security") == []
    }
    assert public == PUBLIC


def test_every_operation_behind_a_token_documents_401_and_403_and_every_body_413(
    spec: dict[str, Any],
) -> None:
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        if "requestBody" in operation:
            assert "413" in responses, (method, path)
        if (method, path) in PUBLIC:
            continue
        assert "401" in responses, (method, path)
        assert ("403" in responses) is ((method, path) not in PASSWORD_CHANGE_ALLOWED), (method, path)


def test_a_throttled_login_answers_as_documented_with_retry_after(
    client: FlaskClient, district: District, spec: dict[str, Any]
) -> None:
    for _ in range(5):
        wrong = client.post("/api/v1/auth/token", json={"username": "w_a1", "password": "guess-guess"})
        assert_documented(spec, "post", "/api/v1/auth/token", wrong)
    refused = client.post("/api/v1/auth/token", json={"username": "w_a1", "password": "guess-guess"})
    assert refused.status_code == 429
    assert_documented(spec, "post", "/api/v1/auth/token", refused)
    assert "Retry-After" in spec["paths"]["/api/v1/auth/token"]["post"]["responses"]["429"]["headers"]


def test_a_pending_password_change_answers_the_documented_403(
    client: FlaskClient,
    district: District,
    uow: UnitOfWork,
    login: Callable[[str], Headers],
    spec: dict[str, Any],
) -> None:
    headers = login("sup_a")
    with uow:
        uow.session.get_one(Worker, district.accounts["sup_a"]).password_must_change = True
        uow.commit()
    refused = client.get("/api/v1/elders", headers=headers)
    assert (refused.status_code, refused.json["code"]) == (403, "password_change_required")
    assert_documented(spec, "get", "/api/v1/elders", refused)


def test_a_body_over_the_limit_answers_the_documented_413(
    client: FlaskClient, district: District, login: Callable[[str], Headers], spec: dict[str, Any]
) -> None:
    body = {"id_number": "1" * (2 * 1024 * 1024)}
    too_big = client.post("/api/v1/elders/lookup", json=body, headers=login("sup_a"))
    assert too_big.status_code == 413
    assert_documented(spec, "post", "/api/v1/elders/lookup", too_big)


def test_a_missing_token_answers_the_documented_401(client: FlaskClient, spec: dict[str, Any]) -> None:
    response = client.get("/api/v1/elders")
    assert response.status_code == 401
    assert_documented(spec, "get", "/api/v1/elders", response)
