"""Answers that carry personal data are never stored by a cache (Cache-Control: no-store), the phone's route
included: the app keeps its own copy and still gets 304 for an unchanged route."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.api.test_photos import JPEG, post_photo, recorded
from tests.factories import District
from tests.fieldwork import plan_day
from visitsvc.infrastructure.uow import UnitOfWork

Login = Callable[[str], Headers]
NO_STORE = "no-store"


def test_the_route_is_no_store_and_still_answers_304(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    plan_day(
        uow,
        worker_id=district.accounts["w_a1"],
        day=date(2026, 11, 25),
        elder_ids=[district.elders["elder_a1"]],
    )
    first = client.get("/api/v1/me/route", headers=login("w_a1"))
    assert (first.status_code, first.headers["Cache-Control"]) == (200, NO_STORE)
    again = client.get("/api/v1/me/route", headers={**login("w_a1"), "If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.headers["Cache-Control"]) == (304, NO_STORE)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_no_store(client: FlaskClient, district: District, login: Login, fmt: str) -> None:
    export = client.get("/api/v1/elders/export", query_string={"format": fmt}, headers=login("sup_a"))
    assert (export.status_code, export.headers["Cache-Control"]) == (200, NO_STORE)


def test_the_monthly_report_is_no_store(client: FlaskClient, district: District, login: Login) -> None:
    report = client.get(
        "/api/v1/reports/monthly.xlsx", query_string={"month": "2026-11"}, headers=login("sup_a")
    )
    assert (report.status_code, report.headers["Cache-Control"]) == (200, NO_STORE)


def test_a_photo_answer_is_no_store(client: FlaskClient, district: District, login: Login) -> None:
    response = post_photo(client, recorded(client, district, login), JPEG, login("w_a1"))
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert response.headers["Cache-Control"] == NO_STORE  # type: ignore[attr-defined]


def test_json_answers_and_errors_are_no_store(client: FlaskClient, district: District, login: Login) -> None:
    elder = client.get(f"/api/v1/elders/{district.elders['elder_a1']}", headers=login("sup_a"))
    missing = client.get("/api/v1/elders/999999", headers=login("sup_a"))
    assert [(r.status_code, r.headers["Cache-Control"]) for r in (elder, missing)] == [
        (200, NO_STORE),
        (404, NO_STORE),
    ]


def test_console_pages_and_exports_are_no_store(client: FlaskClient, district: District) -> None:
    console = Console(client)
    console.login("sup_a")
    profile = console.get(f"/console/elders/{district.elders['elder_a1']}")
    missing = console.get("/console/elders/999999")
    export = console.post("/console/ledger/export", {"format": "csv"}, form_page="/console/ledger")
    assert [(r.status_code, r.headers["Cache-Control"]) for r in (profile, missing, export)] == [
        (200, NO_STORE),
        (404, NO_STORE),
        (200, NO_STORE),
    ]


def test_static_files_are_left_to_revalidate(client: FlaskClient) -> None:
    css = client.get("/console/static/console.css")
    assert css.status_code == 200
    assert css.headers["Cache-Control"] == "no-cache"
