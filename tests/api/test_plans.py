from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import PASSWORD, SYSTEM, District
from visitsvc import scheduler
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import AbsenceKind
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import absences, workers

Login = Callable[[str], Headers]
REPRODUCIBLE = PlanningSettings(solution_limit=30)


def plan(uow: UnitOfWork) -> None:
    plan_month(uow, caller=SYSTEM, month=Month(2026, 12), executor="serial", settings=REPRODUCIBLE)


def test_versions_and_the_diff_show_what_an_absence_moved(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    plan(uow)
    absences.add_absence(
        uow,
        caller=SYSTEM,
        worker_id=district.accounts["w_b1"],
        first_day=date(2026, 12, 1),
        last_day=date(2026, 12, 31),
        kind=AbsenceKind.LEAVE,
    )
    plan(uow)
    versions = client.get("/api/v1/plans", query_string={"month": "2026-12"}, headers=login("sup_b")).json
    assert [v["number"] for v in versions] == [1, 2]
    changes = client.get(
        "/api/v1/plans/2026-12/diff", query_string={"from": 1, "to": 2}, headers=login("sup_b")
    )
    assert changes.status_code == 200, changes.json
    assert {c["elder_id"] for c in changes.json["removed"]} == {district.elders["elder_b1"]}
    others = client.get(
        "/api/v1/plans/2026-12/diff", query_string={"from": 1, "to": 2}, headers=login("sup_a")
    ).json
    assert others["removed"] == [], "street A does not see street B's people"


def test_the_shortfall_names_the_unplanned_with_their_reason(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    absences.add_absence(
        uow,
        caller=SYSTEM,
        worker_id=district.accounts["w_b1"],
        first_day=date(2026, 12, 1),
        last_day=date(2026, 12, 31),
        kind=AbsenceKind.LEAVE,
    )
    plan(uow)
    report = client.get("/api/v1/plans/2026-12/shortfall", headers=login("admin")).json
    by_grid = {g["grid"]: g for g in report["grids"]}
    b1 = by_grid[district.codes["grid_b1"]]
    assert b1["planned"] == 0
    assert {e["reason"] for e in b1["unplanned_elders"]} == {"no_working_day"}
    assert by_grid[district.codes["grid_a1"]]["unplanned"] == 0
    assert report["guard_hit"] == [], "every solve ended on its own limits"


def test_plans_of_an_unplanned_month_and_bad_months(
    client: FlaskClient, district: District, login: Login
) -> None:
    assert client.get("/api/v1/plans/2027-01/shortfall", headers=login("admin")).status_code == 404
    assert client.get("/api/v1/plans/2027-13/shortfall", headers=login("admin")).status_code == 422
    assert (
        client.get("/api/v1/plans", query_string={"month": "soon"}, headers=login("admin")).status_code == 422
    )


def test_a_worker_given_another_grids_visit_may_open_that_person_while_assigned(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    url = f"/api/v1/elders/{district.elders['elder_a1']}"
    assert client.get(url, headers=login("w_a2")).status_code == 404
    workers.update_worker(
        uow, caller=SYSTEM, worker_id=district.accounts["w_a1"], changes={"visit_minutes_per_day": 20}
    )
    outcome = plan_month(uow, caller=SYSTEM, month=Month(2026, 11), executor="serial", settings=REPRODUCIBLE)
    assert outcome.moved_to_other_workers > 0
    fresh = client.post("/api/v1/auth/token", json={"username": "w_a2", "password": PASSWORD}).json[
        "access_token"
    ]
    assert client.get(url, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert client.get(url, headers=login("w_b1")).status_code == 404


def test_admins_see_the_scheduler_runs(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    job = scheduler.Job(
        "plan-next-month", {}, lambda now: None, lambda _uow, _period, _solving: {"planned": 3}
    )
    scheduler.run_once(uow, job, "2026-12")
    assert client.get("/api/v1/jobs", headers=login("sup_a")).status_code == 403
    runs = client.get("/api/v1/jobs", headers=login("admin")).json["items"]
    assert [(r["job"], r["period"], r["outcome"], r["summary"]) for r in runs] == [
        ("plan-next-month", "2026-12", "succeeded", {"planned": 3})
    ]


def test_the_versions_of_a_month_are_each_callers_part_of_them(
    client: FlaskClient, district: District, login: Login, uow: UnitOfWork
) -> None:
    """Street A sees every version number (the last is current for everyone) but counts only its own people,
    and not which other street a re-plan was for."""
    plan(uow)
    plan_month(
        uow, caller=SYSTEM, month=Month(2026, 12), area_code=district.codes["street_b"], force=True,
        executor="serial", settings=REPRODUCIBLE,
    )  # fmt: skip
    street_a = {district.elders["elder_a1"], district.elders["elder_a2"]}
    grid_a1 = {district.elders["elder_a1"]}
    with uow:
        versions = uow.plans.versions(Month(2026, 12))
        planned = {v.number: [p.elder_id for p in uow.plans.visits(v.id)] for v in versions}
        whole = {v.number: (v.area_path, v.planned_count) for v in versions}
        street_b_path = uow.areas.get_by_code(SYSTEM.scope, district.codes["street_b"]).path

    def seen(account: str) -> dict[int, tuple[str | None, int, int]]:
        response = client.get("/api/v1/plans", query_string={"month": "2026-12"}, headers=login(account))
        assert response.status_code == 200, response.json
        return {
            v["number"]: (v["area_path"], v["planned_count"], v["unplanned_count"]) for v in response.json
        }

    assert whole[2][0] == street_b_path
    by_a, by_b, by_w, by_admin = seen("sup_a"), seen("sup_b"), seen("w_a1"), seen("admin")
    assert sorted(by_a) == sorted(by_b) == sorted(by_w) == [1, 2]
    for number in (1, 2):
        assert by_a[number][1] == sum(1 for e in planned[number] if e in street_a) > 0
        assert by_w[number][1] == sum(1 for e in planned[number] if e in grid_a1) > 0
        assert by_admin[number][1] == whole[number][1] == by_a[number][1] + by_b[number][1]
    assert (by_a[2][0], by_w[2][0]) == (None, None), "street B's re-plan is not street A's to see"
    assert by_b[2][0] == by_admin[2][0] == street_b_path
    assert by_a[1][0] == by_b[1][0] == whole[1][0], "the whole district's plan holds street A too"
