"""Planning a month on a small district: every owed visit planned or named, one version per change."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.factories import SYSTEM, District, elder_data, make_district
from visitsvc.access.scoping import caller_for
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import AbsenceKind, Category, PlannedVisit, VisitKind
from visitsvc.planning import plan_reports
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.policy import weeks
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import absences, elders, workers

DECEMBER = Month(2026, 12)
REPRODUCIBLE = PlanningSettings(solution_limit=30)


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    d = make_district(uow)
    high_risk = elder_data(
        d.codes["grid_a1"], categories=frozenset({Category.LIVING_ALONE}), birth_date=date(1938, 2, 3)
    )
    d.elders["high_risk"] = elders.create_elder(uow, caller=SYSTEM, data=high_risk).id
    prefers_morning = elder_data(
        d.codes["grid_a1"],
        categories=frozenset({Category.EMPTY_NEST}),
        preferred_start=time(9),
        preferred_end=time(11),
    )
    d.elders["morning"] = elders.create_elder(uow, caller=SYSTEM, data=prefers_morning).id
    return d


def planned(uow: UnitOfWork, version_id: int) -> list[PlannedVisit]:
    with uow:
        return uow.plans.visits(version_id)


def test_every_owed_visit_is_planned_on_a_working_day_of_the_month(
    uow: UnitOfWork, district: District
) -> None:
    outcome = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    assert outcome.created
    assert outcome.unplanned == []
    visits = planned(uow, outcome.version_id)
    workdays = set(WorkCalendar().workdays(DECEMBER))
    assert all(v.day in workdays for v in visits)
    by_elder: dict[int, list[PlannedVisit]] = {}
    for v in visits:
        by_elder.setdefault(v.elder_id, []).append(v)
    assert set(by_elder) == set(district.elders.values())
    # December 2026 has five Monday-to-Sunday weeks with at least three working days (1-4, ..., 28-31).
    assert len(by_elder[district.elders["high_risk"]]) == len(weeks(sorted(workdays))) == 5
    # The factory's people live alone and are over 80: high risk too. The empty-nest one is owed one visit.
    assert all(len(by_elder[e]) == 5 for k, e in district.elders.items() if k != "morning")
    assert len(by_elder[district.elders["morning"]]) == 1
    morning = by_elder[district.elders["morning"]][0]
    assert morning.arrival is not None
    assert time(9) <= morning.arrival <= time(11)
    assert {v.kind for v in visits} == {VisitKind.HOME}


def test_planning_again_with_nothing_changed_makes_no_new_version(
    uow: UnitOfWork, district: District
) -> None:
    first = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    again = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    assert (again.version, again.created) == (first.version, False)
    forced = plan_month(
        uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE, force=True
    )
    assert (forced.version, forced.created) == (first.version + 1, True)


def test_a_new_person_changes_the_inputs_and_gets_a_visit_in_the_next_version(
    uow: UnitOfWork, district: District
) -> None:
    first = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    newcomer = elders.create_elder(uow, caller=SYSTEM, data=elder_data(district.codes["grid_b1"])).id
    second = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    assert second.version == first.version + 1
    assert newcomer in {v.elder_id for v in planned(uow, second.version_id)}


def test_a_failed_run_leaves_the_previous_version(
    uow: UnitOfWork, district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    elders.create_elder(uow, caller=SYSTEM, data=elder_data(district.codes["grid_b1"]))

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("solver process killed")

    monkeypatch.setattr("visitsvc.planning.month_plan.routing.solve_many", crash)
    with pytest.raises(RuntimeError):
        plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    with uow:
        assert uow.plans.latest(DECEMBER).id == first.version_id  # type: ignore[union-attr]
        assert uow.planning_locks.find(f"plan:{DECEMBER}") is None, "the lease is released"


def test_the_shortfall_report_lists_the_grids_of_the_callers_area(
    uow: UnitOfWork, district: District
) -> None:

    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    with uow:
        supervisor = caller_for(uow.workers.find_by_account("sup_b"))  # type: ignore[arg-type]
    report = plan_reports.shortfall(uow, caller=supervisor, month=DECEMBER)
    assert [g["grid"] for g in report["grids"]] == [district.codes["grid_b1"]]
    assert report["grids"][0]["planned"] == report["grids"][0]["owed"]


def test_no_visits_are_planned_on_a_workers_absence(uow: UnitOfWork, district: District) -> None:
    absences.add_absence(
        uow,
        caller=SYSTEM,
        worker_id=district.accounts["w_a1"],
        first_day=date(2026, 12, 1),
        last_day=date(2026, 12, 11),
        kind=AbsenceKind.TRAINING,
    )
    outcome = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    mine = [v for v in planned(uow, outcome.version_id) if v.worker_id == district.accounts["w_a1"]]
    assert mine
    assert all(v.day > date(2026, 12, 11) for v in mine)


def test_what_a_worker_cannot_fit_goes_to_a_colleague_of_the_same_community(
    uow: UnitOfWork, district: District
) -> None:
    workers.update_worker(
        uow, caller=SYSTEM, worker_id=district.accounts["w_a1"], changes={"visit_minutes_per_day": 20}
    )
    outcome = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    grid_a1 = {district.elders[k] for k in ("elder_a1", "high_risk", "morning")}
    visits = [v for v in planned(uow, outcome.version_id) if v.elder_id in grid_a1]
    assert visits, (outcome.unplanned, outcome.moved_to_other_workers)
    assert {v.worker_id for v in visits} == {district.accounts["w_a2"]}, "the colleague in 保俶社区, not 古荡"
    assert all(v.moved for v in visits)
    assert outcome.moved_to_other_workers == len(visits)
    assert [u for u in outcome.unplanned if u["reason"] == "capacity"] == []
