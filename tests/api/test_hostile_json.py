"""JSON that Python parses but nothing behind it can hold, answered 4xx naming the field, never 500:

- a lone UTF-16 surrogate (JSON may spell "\\ud800" alone; Python keeps it in a str that no database driver or
  answer can encode) or a NUL (PostgreSQL refuses it), in a body or a query: 422;
- nesting deeper than the parser can follow (RecursionError): 400, like any JSON it cannot read.

schemathesis found NUL on PostgreSQL (a login, a report's area); lone surrogates, which it never generates,
and deep nesting were tried by hand after it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from api.blueprint import TOO_DEEP
from api.schemas.common import INVALID_TEXT
from tests.api.conftest import Headers
from tests.api.console import Console
from tests.factories import District
from tests.fieldwork import at, plan_day, visit_body
from visitsvc.infrastructure.uow import UnitOfWork

LONE = "\ud800"
DAY = date(2026, 11, 25)


def post_json(client: FlaskClient, method: str, path: str, body: Any, headers: Headers | None = None) -> Any:
    """The body as JSON with ASCII escapes, as a client's encoder writes a lone surrogate."""
    raw = json.dumps(body, ensure_ascii=True)
    return getattr(client, method)(path, data=raw, content_type="application/json", headers=headers)


STATUS = {"status": "moved_out", "effective_date": "2026-11-25", "reason": LONE}
PASSWORD = {"current_password": LONE, "new_password": "x" * 12}
REFUSAL = {"since": "2026-11-01", "reason": LONE}


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "/api/v1/elders/{elder}", {"address": f"桂花苑{LONE}"}, "address"),
        ("post", "/api/v1/elders/{elder}/status", STATUS, "reason"),
        ("post", "/api/v1/elders/lookup", {"id_number": LONE * 18}, "id_number"),
        ("post", "/api/v1/me/password", PASSWORD, "current_password"),
        ("post", "/api/v1/elders/{elder}/refuses-contact", REFUSAL, "reason"),
    ],
)
def test_a_lone_surrogate_in_a_field_is_refused_by_name(
    client: FlaskClient,
    district: District,
    login: Callable[[str], Headers],
    method: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    response = post_json(client, method, path.format(elder=district.elders["elder_a1"]), body, login("sup_a"))
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {field: [INVALID_TEXT]}


@pytest.mark.parametrize("character", [LONE, "\x00"])
def test_a_login_with_a_character_no_column_holds_is_refused_by_name(
    client: FlaskClient, district: District, character: str
) -> None:
    body = {"username": f"w_a1{character}", "password": "x"}
    response = post_json(client, "post", "/api/v1/auth/token", body)
    assert response.status_code == 422
    assert response.json["errors"] == {"username": [INVALID_TEXT]}


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/reports/monthly.xlsx", {"month": "2026-11", "area": "330106\x00"}, "area"),
        ("/api/v1/elders", {"q": "王\x00"}, "q"),
        ("/api/v1/audit", {"record_id": "\x00"}, "record_id"),
    ],
)
def test_a_nul_in_a_query_is_refused_by_name(
    client: FlaskClient,
    district: District,
    login: Callable[[str], Headers],
    path: str,
    query: dict[str, str],
    field: str,
) -> None:
    response = client.get(path, query_string=query, headers=login("admin"))
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {field: [INVALID_TEXT]}


def test_a_field_name_with_a_lone_surrogate_is_named_without_it(
    client: FlaskClient, district: District, login: Callable[[str], Headers]
) -> None:
    response = post_json(client, "post", "/api/v1/elders/lookup", {"id_number": "x", LONE: 1}, login("sup_a"))
    assert response.status_code == 422
    assert response.json["errors"] == {"\ufffd": [INVALID_TEXT]}


def test_a_visit_note_with_a_lone_surrogate_is_refused_by_name(
    client: FlaskClient, district: District, uow: UnitOfWork, login: Callable[[str], Headers]
) -> None:
    plan_day(uow, worker_id=district.accounts["w_a1"], day=DAY, elder_ids=[district.elders["elder_a1"]])
    findings = {"daily_care": {"status": "ok", "note": f"老人在家{LONE}"}}
    body = visit_body(elder_id=district.elders["elder_a1"], start=at(DAY, 9), findings=findings)
    response = post_json(client, "post", "/api/v1/visits", body, login("w_a1"))
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {"findings.daily_care.note": [INVALID_TEXT]}


def test_a_synced_record_with_a_lone_surrogate_is_rejected_alone_and_the_batch_goes_on(
    client: FlaskClient, district: District, uow: UnitOfWork, login: Callable[[str], Headers]
) -> None:
    plan_day(uow, worker_id=district.accounts["w_a1"], day=DAY, elder_ids=[district.elders["elder_a1"]])
    good = visit_body(elder_id=district.elders["elder_a1"], start=at(DAY, 9))
    findings = {"daily_care": {"status": "ok", "note": LONE}}
    bad = visit_body(elder_id=district.elders["elder_a1"], start=at(DAY, 10), findings=findings)
    unnamed = visit_body(elder_id=district.elders["elder_a1"], start=at(DAY, 11), client_id=f"c{LONE}")
    response = post_json(client, "post", "/api/v1/me/sync", {"records": [good, bad, unnamed]}, login("w_a1"))
    assert response.status_code == 200, response.json
    first, second, third = response.json["results"]
    assert first["client_id"] == good["client_id"]
    assert first["status"] != "rejected"
    assert (second["client_id"], second["status"]) == (bad["client_id"], "rejected")
    assert second["errors"] == {"findings.daily_care.note": [INVALID_TEXT]}
    assert (third["client_id"], third["status"]) == (None, "rejected")
    assert third["errors"] == {"client_id": [INVALID_TEXT]}


@pytest.mark.parametrize(
    "body", ["[" * 100_000 + "]" * 100_000, '{"id_number": ' + "[" * 100_000 + "]" * 100_000 + "}"]
)
def test_json_nested_deeper_than_the_parser_follows_is_a_bad_request(
    client: FlaskClient, district: District, login: Callable[[str], Headers], body: str
) -> None:
    response = client.post(
        "/api/v1/elders/lookup", data=body, content_type="application/json", headers=login("sup_a")
    )
    assert response.status_code == 400
    assert response.json["errors"] == {"_schema": [TOO_DEEP]}


def test_a_lone_surrogate_deep_in_a_field_is_named_ten_levels_down(
    client: FlaskClient, district: District, login: Callable[[str], Headers]
) -> None:
    deep: Any = LONE
    for _ in range(500):
        deep = [deep]
    response = post_json(client, "post", "/api/v1/elders/lookup", {"id_number": deep}, login("sup_a"))
    assert response.status_code == 422
    assert response.json["errors"] == {"id_number" + ".0" * 9: [INVALID_TEXT]}


def test_a_console_login_with_a_nul_is_the_invalid_page(client: FlaskClient, district: District) -> None:
    assert Console(client).login("sup_a\x00").status_code == 422


def test_a_console_query_with_a_nul_is_the_invalid_page(client: FlaskClient, district: District) -> None:
    console = Console(client)
    console.login("sup_a")
    page = console.get("/console/missed", area="330106\x00")
    assert page.status_code == 422
    assert INVALID_TEXT in page.text
