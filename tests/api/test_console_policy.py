"""The visit policy in the console, under the area admin: admins change an area's own settings through the
same service as the API, supervisors read them, another street's is the not-found page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.api.console import Console, figures
from tests.factories import District
from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.uow import UnitOfWork


@pytest.fixture
def console(client: FlaskClient) -> Console:
    return Console(client)


def page_of(uow: UnitOfWork, district: District, key: str) -> str:
    with uow:
        return f"/console/areas/{uow.areas.get_by_code(Scope.everything(), district.codes[key]).id}/policy"


def test_an_admin_sets_a_streets_value_and_its_grid_shows_where_it_comes_from(
    console: Console, uow: UnitOfWork, district: District
) -> None:
    console.login("admin")
    listed = console.get("/console/areas")
    assert listed.status_code == 200
    street = page_of(uow, district, "street_a")
    assert street in listed.text
    saved = console.post(
        street, {"high_risk_min_age": "75", "weekly_home_to_calls_when_short": "true"}, form_page=street
    )
    assert saved.status_code == 303, saved.text
    shown = figures(console.get(street).text)
    assert shown[("policy", "high_risk_min_age", "own")] == "75"
    assert shown[("policy", "weekly_home_to_calls_when_short", "effective")] == "是"
    grid = figures(console.get(page_of(uow, district, "grid_a1")).text)
    assert grid[("policy", "high_risk_min_age", "effective")] == "75"
    assert grid[("policy", "high_risk_min_age", "source")] == f"上级 {district.codes['street_a']}"
    assert grid[("policy", "reach_minutes", "source")] == "系统默认"


def test_a_bad_value_comes_back_on_the_page_beside_its_field_and_changes_nothing(
    console: Console, uow: UnitOfWork, district: District
) -> None:
    console.login("admin")
    street = page_of(uow, district, "street_a")
    refused = console.post(street, {"reach_minutes": "999", "min_workdays_in_week": "x"}, form_page=street)
    assert refused.status_code == 422
    assert 'data-error-for="reach_minutes"' in refused.text
    assert 'data-error-for="min_workdays_in_week"' in refused.text
    assert figures(console.get(street).text)[("policy", "reach_minutes", "own")] == "—"


def test_a_supervisor_reads_the_rules_of_their_street_but_cannot_change_them(
    console: Console, uow: UnitOfWork, district: District
) -> None:
    console.login("sup_a")
    street = page_of(uow, district, "street_a")
    page = console.get(street)
    assert page.status_code == 200
    assert "policy-form" not in page.text
    assert console.post(street, {"reach_minutes": "45"}, form_page=street).status_code == 403
    assert console.get(page_of(uow, district, "street_b")).status_code == 404


def test_a_grid_worker_is_refused_the_rules_page(
    console: Console, uow: UnitOfWork, district: District
) -> None:
    console.login("w_a1")
    assert console.get(page_of(uow, district, "grid_a1")).status_code == 403
