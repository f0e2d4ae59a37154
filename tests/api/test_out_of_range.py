"""Values the database cannot hold (found by schemathesis): an id beyond its INTEGER answers 404 in a path,
like a missing record, and 422 naming the field in a query or cursor; a time with no UTC time 422; never a 500
from the driver (SQLite past 64 bits, PostgreSQL past 32) or from the conversion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.ids import MAX_ID
from api.schemas.common import Cursor
from tests.api.conftest import Headers
from tests.api.console import Console
from tests.factories import District

TOO_LARGE = [MAX_ID + 1, 2**64]


@pytest.mark.parametrize("number", TOO_LARGE)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/elders/{}", None),
        ("patch", "/api/v1/elders/{}", {"phone": "13812345678"}),
        ("get", "/api/v1/elders/{}/history", None),
        ("get", "/api/v1/workers/{}", None),
        ("delete", "/api/v1/workers/{}/absences/1", None),
        ("get", "/api/v1/visits/{}", None),
        ("patch", "/api/v1/followups/{}", {"status": "closed"}),
        ("post", "/api/v1/visits/{}/void", {"reason": "重复记录"}),
        ("post", "/api/v1/elders/{}/refuses-contact", {"since": "2026-11-01", "reason": "本人拒绝"}),
    ],
)
def test_an_id_beyond_the_database_integer_is_not_found(
    client: FlaskClient,
    district: District,
    login: Callable[[str], Headers],
    method: str,
    path: str,
    body: dict[str, str] | None,
    number: int,
) -> None:
    response = getattr(client, method)(path.format(number), json=body, headers=login("admin"))
    assert response.status_code == 404, response.json
    assert response.json["code"] == "not_found"


@pytest.mark.parametrize("number", TOO_LARGE)
def test_a_console_page_of_an_id_beyond_the_database_integer_is_not_found(
    client: FlaskClient, district: District, number: int
) -> None:
    console = Console(client)
    console.login("sup_a")
    assert console.get(f"/console/elders/{number}").status_code == 404


def test_the_largest_id_is_an_ordinary_missing_record(
    client: FlaskClient, district: District, login: Callable[[str], Headers]
) -> None:
    response = client.get(f"/api/v1/elders/{MAX_ID}", headers=login("admin"))
    assert response.status_code == 404


@pytest.mark.parametrize("number", TOO_LARGE)
def test_a_cursor_beyond_the_database_integer_is_refused_by_name(
    client: FlaskClient, district: District, login: Callable[[str], Headers], number: int
) -> None:
    cursor = Cursor()._serialize(number, None, None)
    response = client.get("/api/v1/elders", query_string={"cursor": cursor}, headers=login("sup_a"))
    assert response.status_code == 422
    assert response.json["errors"] == {"cursor": ["无效的分页游标"]}


def test_the_schema_documents_the_range_of_a_path_id(app: Flask) -> None:
    spec = app.test_client().get("/openapi.json").json
    (elder_id,) = spec["paths"]["/api/v1/elders/{elder_id}"]["parameters"]
    assert elder_id["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


@pytest.mark.parametrize("number", TOO_LARGE)
def test_an_audit_actor_beyond_the_database_integer_is_refused_by_name(
    client: FlaskClient, district: District, login: Callable[[str], Headers], number: int
) -> None:
    response = client.get("/api/v1/audit", query_string={"actor_id": number}, headers=login("admin"))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["actor_id"]


@pytest.mark.parametrize(
    ("field", "moment"), [("since", "0001-01-01T00:00:00+14:00"), ("until", "9999-12-31T23:59:59-14:00")]
)
def test_an_audit_time_with_no_utc_time_is_refused_by_name(
    client: FlaskClient, district: District, login: Callable[[str], Headers], field: str, moment: str
) -> None:
    response = client.get("/api/v1/audit", query_string={field: moment}, headers=login("admin"))
    assert response.status_code == 422
    assert response.json["errors"] == {field: ["时间超出范围"]}
