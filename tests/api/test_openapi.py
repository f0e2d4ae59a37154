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
