"""Options on planning day over HTTP (issue 20): supervisors and admins of the area see and apply them; a grid
worker may not (403); another street's are not found (404)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.factories import SYSTEM, District, make_overloaded_grid
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.planning import plan_options
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings

Login = Callable[[str], Headers]
QUICK = PlanningSettings(solution_limit=30)
OPTIONS, APPLY = "/api/v1/plans/2026-12/options", "/api/v1/plans/2026-12/options/apply"


@pytest.fixture
def overloaded(uow: UnitOfWork, district: District, monkeypatch: pytest.MonkeyPatch) -> District:
    monkeypatch.setattr(plan_options, "OPTION_SETTINGS", QUICK)
    make_overloaded_grid(uow, district)
    plan_month(uow, caller=SYSTEM, month=Month(2026, 12), executor="serial", settings=QUICK)
    return district


def test_the_street_supervisor_applies_the_wider_reach_and_gets_the_shortfall_it_promised(
    client: FlaskClient, overloaded: District, login: Login
) -> None:
    street_a = overloaded.codes["street_a"]
    shown = client.get(OPTIONS, query_string={"area": street_a}, headers=login("sup_a"))
    assert shown.status_code == 200, shown.json
    (a1,) = shown.json["grids"]
    promised = a1["options"]["reach"]
    applied = client.post(APPLY, json={"area": street_a, "remedies": ["reach"]}, headers=login("sup_a"))
    assert applied.status_code == 200, applied.json
    assert applied.json["visits_short_after"] == {a1["grid"]: promised["visits_short_after"]}
    versions = client.get("/api/v1/plans", query_string={"month": "2026-12"}, headers=login("sup_a")).json
    assert [(v["number"], v["trigger"]) for v in versions] == [(1, "plan"), (2, "options")]


def test_a_grid_worker_can_neither_see_nor_apply_options(
    client: FlaskClient, overloaded: District, login: Login
) -> None:
    assert client.get(OPTIONS, headers=login("w_a1")).status_code == 403
    assert client.post(APPLY, json={"remedies": ["reach"]}, headers=login("w_a1")).status_code == 403


def test_another_streets_options_are_not_found(
    client: FlaskClient, overloaded: District, login: Login
) -> None:
    street_a = overloaded.codes["street_a"]
    assert client.get(OPTIONS, query_string={"area": street_a}, headers=login("sup_b")).status_code == 404
    refused = client.post(APPLY, json={"area": street_a, "remedies": ["reach"]}, headers=login("sup_b"))
    assert refused.status_code == 404


def test_unknown_or_missing_remedies_are_named_field_by_field(
    client: FlaskClient, overloaded: District, login: Login
) -> None:
    for body in ({"remedies": ["fly"]}, {"remedies": []}, {}, {"remedies": ["outside"]}):
        refused = client.post(APPLY, json=body, headers=login("admin"))
        assert refused.status_code == 422, body
        assert "remedies" in str(refused.json), refused.json


def test_the_console_shows_the_options_beside_the_shortfall_and_applies_them(
    client: FlaskClient, overloaded: District
) -> None:
    desk = Console(client)
    desk.login("sup_a")
    plans = desk.get("/console/plans", month="2026-12")
    assert 'id="options-link"' in plans.text
    page = desk.get("/console/plans/options", month="2026-12")
    assert page.status_code == 200
    assert overloaded.codes["grid_a1"] in page.text
    done = desk.post(
        "/console/plans/options/apply?month=2026-12",
        {"remedies": ["reach"]},
        form_page="/console/plans/options",
    )
    assert done.status_code == 303
    versions = desk.get("/console/plans", month="2026-12").text
    assert "第 2 版" in versions
