"""GET /api/v1/coverage: the month's coverage per child area, per category and in total (tests/api/december.py
describes the month)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.conftest import Headers
from tests.api.december import TODAY, December, december
from tests.factories import SYSTEM, District, elder_data, make_record
from tests.fieldwork import set_elder
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import (
    Category,
    Elder,
    ElderStatus,
    PlannedVisit,
    RecordState,
    VisitKind,
    VisitOutcome,
    VisitRecord,
    Willingness,
)
from visitsvc.oversight import decisions
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import elders

Login = Callable[[str], Headers]


@pytest.fixture
def month(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    return december(uow, clock, district)


def coverage(client: FlaskClient, headers: Headers, **query: str) -> Any:
    response = client.get("/api/v1/coverage", query_string={"month": "2026-12", **query}, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def figures(row: dict[str, Any]) -> tuple[int, int, float, int, dict[str, int]]:
    return row["coverable"], row["covered"], row["coverage_pct"], row["at_risk"], row["not_covered_by_reason"]


def test_a_district_is_split_by_street_with_the_reason_of_everyone_not_covered(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    body = coverage(client, login("admin"))
    assert body["area"] == {"code": district.codes["district"], "name": "西湖区", "level": "district"}
    assert body["as_of"] == "2026-12-10"
    by_area = {row["area"]: row for row in body["by_area"]}
    assert list(by_area) == [district.codes["street_a"], district.codes["street_b"]]
    assert figures(by_area[district.codes["street_a"]]) == (3, 1, 33.33, 1, {"not_home": 1, "pending": 1})
    assert by_area[district.codes["street_a"]]["not_coverable_by_reason"] == {"refused_all_contact": 1}
    assert figures(by_area[district.codes["street_b"]]) == (1, 0, 0.0, 1, {"missed": 1})
    assert figures(body["total"]) == (4, 1, 25.0, 2, {"missed": 1, "not_home": 1, "pending": 1})
    assert body["total"]["not_coverable_by_reason"] == {"refused_all_contact": 1}


def test_each_category_counts_its_people_once_each(
    client: FlaskClient, login: Login, month: December
) -> None:
    by_category = {row["category"]: row for row in coverage(client, login("admin"))["by_category"]}
    assert figures(by_category["living_alone"])[:2] == (3, 1)
    assert figures(by_category["empty_nest"]) == (1, 0, 0.0, 0, {"pending": 1})
    assert figures(by_category["childless"])[:2] == (0, 0)
    assert by_category["childless"]["coverage_pct"] == 100.0, "nobody to cover counts as fully covered"
    assert by_category["childless"]["not_coverable_by_reason"] == {"refused_all_contact": 1}


def test_a_street_supervisor_sees_communities_and_a_community_shows_grids(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    street = coverage(client, login("sup_a"))
    assert [row["area"] for row in street["by_area"]] == [district.codes["community_a"]]
    assert figures(street["total"])[:2] == (3, 1)
    community = coverage(client, login("sup_a"), area=district.codes["community_a"])
    grids = {row["area"]: figures(row) for row in community["by_area"]}
    assert grids == {
        district.codes["grid_a1"]: (2, 1, 50.0, 0, {"pending": 1}),
        district.codes["grid_a2"]: (1, 0, 0.0, 1, {"not_home": 1}),
    }
    grid = coverage(client, login("sup_a"), area=district.codes["grid_a1"])
    assert [row["area"] for row in grid["by_area"]] == [district.codes["grid_a1"]]


def test_a_grid_worker_sees_their_own_grid_only(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    body = coverage(client, login("w_a1"))
    assert body["area"]["code"] == district.codes["grid_a1"]
    assert [row["area"] for row in body["by_area"]] == [district.codes["grid_a1"]]
    assert figures(body["total"])[:2] == (2, 1)


def test_another_streets_area_is_not_found_and_bad_input_is_a_field_error(
    client: FlaskClient, district: District, login: Login, month: December
) -> None:
    outside = client.get(
        "/api/v1/coverage", query_string={"area": district.codes["street_a"]}, headers=login("sup_b")
    )
    assert outside.status_code == 404
    unknown = client.get("/api/v1/coverage", query_string={"area": "999"}, headers=login("sup_a"))
    assert unknown.status_code == 404
    bad = client.get("/api/v1/coverage", query_string={"month": "2026-13"}, headers=login("sup_a"))
    assert bad.status_code == 422
    assert "month" in bad.json["errors"]
    assert client.get("/api/v1/coverage").status_code == 401


def test_the_month_defaults_to_the_current_one(client: FlaskClient, login: Login, month: December) -> None:
    response = client.get("/api/v1/coverage", headers=login("admin"))
    assert response.json["month"] == "2026-12"
    assert figures(response.json["total"])[:2] == (4, 1)


def test_a_later_visit_and_a_voided_one_change_the_figures(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, month: December
) -> None:
    make_record(uow, elder_id=month.people["elder_b1"], worker_id=district.accounts["w_b1"], day=TODAY)
    void = client.post(
        f"/api/v1/visits/{month.records['elder_a1']}/void",
        json={"reason": "录错了人"},
        headers=login("admin"),
    )
    assert void.status_code == 200, void.json
    by_area = {row["area"]: figures(row) for row in coverage(client, login("admin"))["by_area"]}
    assert by_area[district.codes["street_a"]][:2] == (3, 0)
    assert by_area[district.codes["street_a"]][4] == {"missed": 1, "not_home": 1, "pending": 1}
    assert by_area[district.codes["street_b"]][:2] == (1, 1)


def test_the_endpoint_equals_a_straightforward_recount_of_a_planned_district(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork, clock: FixedClock
) -> None:
    """A small district planned by the real planner, a month of mixed outcomes, judged after the month: the
    endpoint's figures equal a recount straight from the tables (everyone here is owed one visit)."""
    for key in ("elder_a1", "elder_a2", "elder_b1"):
        set_elder(uow, district.elders[key], birth_date=date(1955, 3, 1))
    extra = [
        ("grid_a1", {"willingness": Willingness.PHONE_ONLY}),
        ("grid_a1", {}),
        ("grid_a2", {}),
        ("grid_b1", {}),
        ("grid_b1", {}),
        ("grid_b1", {}),
    ]
    for n, (grid, overrides) in enumerate(extra):
        data = elder_data(
            district.codes[grid], name=f"测试{n}", birth_date=date(1950, 1, 1 + n),
            categories=frozenset({Category.EMPTY_NEST}), **overrides,
        )  # fmt: skip
        elders.create_elder(uow, caller=SYSTEM, data=data)
    gone = elders.create_elder(uow, caller=SYSTEM, data=elder_data(district.codes["grid_b1"], name="已故"))
    elders.change_status(
        uow, caller=SYSTEM, elder_id=gone.id, status=ElderStatus.DECEASED, effective=date(2026, 11, 25),
        reason="去世",
    )  # fmt: skip
    plan_month(
        uow, caller=SYSTEM, month=Month(2026, 12), executor="serial",
        settings=PlanningSettings(solution_limit=30),
    )  # fmt: skip
    with uow:
        rows = list(uow.session.scalars(select(PlannedVisit).order_by(PlannedVisit.id)))
    outcomes = [
        ("visited", None), ("not_home", None), ("visited", VisitKind.PHONE), ("visited", "quarantined"),
        ("visited", "voided"), ("visited", None), ("refused", None), ("visited", None),
    ]  # fmt: skip
    for row, (outcome, twist) in zip(rows, outcomes, strict=False):
        kind = twist if isinstance(twist, VisitKind) else row.kind
        state = RecordState.QUARANTINED if twist == "quarantined" else RecordState.COUNTED
        record = make_record(
            uow, elder_id=row.elder_id, worker_id=row.worker_id, day=row.day, outcome=VisitOutcome(outcome),
            kind=kind, planned_visit_id=row.id, state=state,
        )  # fmt: skip
        if twist == "voided":
            decisions.void_visit(uow, caller=SYSTEM, visit_id=record, reason="录错")
    clock.set(datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI))

    body = coverage(client, login("admin"))
    recount = _recount(uow, district)
    assert body["total"]["coverable"] == recount["total"][0] == 9
    assert (body["total"]["coverable"], body["total"]["covered"]) == recount["total"]
    for street in ("street_a", "street_b"):
        row = next(r for r in body["by_area"] if r["area"] == district.codes[street])
        assert (row["coverable"], row["covered"]) == recount[street], street
    assert body["total"]["not_coverable_by_reason"] == {"not_active": 1}


def _recount(uow: UnitOfWork, district: District) -> dict[str, tuple[int, int]]:
    """Coverable: active in December and not refusing contact. Covered: a counted, not voided `visited`
    record in December, at home (or by phone when only a phone visit is owed)."""
    with uow:
        people = list(uow.session.scalars(select(Elder)))
        records = list(
            uow.session.scalars(
                select(VisitRecord).where(
                    VisitRecord.month == "2026-12",
                    VisitRecord.state == RecordState.COUNTED,
                    VisitRecord.voided_at.is_(None),
                    VisitRecord.outcome == VisitOutcome.VISITED,
                )
            )
        )
        street_of = {e.id: e.grid.path.split("/")[2] for e in people}
        streets = {
            key: uow.areas.by_codes([district.codes[key]])[district.codes[key]].path.split("/")[2]
            for key in ("street_a", "street_b")
        }
    counts: dict[str, list[int]] = {"total": [0, 0], "street_a": [0, 0], "street_b": [0, 0]}
    for elder in people:
        if elder.status is not ElderStatus.ACTIVE or elder.refused_contact_on is not None:
            continue
        owed = VisitKind.HOME if elder.willingness is Willingness.HOME else VisitKind.PHONE
        done = any(
            r.elder_id == elder.id and (r.kind is VisitKind.HOME or owed is VisitKind.PHONE) for r in records
        )
        street = next(k for k, v in streets.items() if v == street_of[elder.id])
        for key in ("total", street):
            counts[key][0] += 1
            counts[key][1] += int(done)
    return {key: (a, b) for key, (a, b) in counts.items()}
