"""The morning's at-risk marks: the same verdict as the missed list, replaced by each evaluation
(tests/api/december.py describes the month)."""

from __future__ import annotations

import pytest

from tests.api.december import TODAY, december
from tests.factories import SYSTEM, make_district
from visitsvc.access.scoping import caller_for
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.kernel.errors import Forbidden
from visitsvc.kernel.month import Month
from visitsvc.oversight import coverage_tables
from visitsvc.oversight.at_risk import evaluate_at_risk
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings


def marks(uow: UnitOfWork, people: list[int]) -> set[tuple[int, str]]:
    with uow:
        return {(m.elder_id, m.reason) for m in uow.months.marks(Month(2026, 12), people)}


def test_marks_name_who_has_no_slot_left_as_the_missed_list_does(uow: UnitOfWork, clock: FixedClock) -> None:
    month = december(uow, clock, make_district(uow))
    people = list(month.people.values())
    summary = evaluate_at_risk(uow, caller=SYSTEM, today=TODAY)
    expected = {(month.people["elder_a2"], "no_slot_left"), (month.people["elder_b1"], "no_slot_left")}
    assert marks(uow, people) == expected
    assert (summary.at_risk, summary.by_reason, summary.covered) == (2, {"no_slot_left": 2}, 1)
    page = coverage_tables.missed(
        uow,
        caller=SYSTEM,
        month=Month(2026, 12),
        area_code=None,
        flt=coverage_tables.MissedFilter(at_risk=True),
    )
    assert {(item.elder_id, item.at_risk_reason) for item in page.items} == expected


def test_a_replan_that_gives_them_slots_clears_the_marks_next_morning(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    month = december(uow, clock, make_district(uow))
    people = list(month.people.values())
    evaluate_at_risk(uow, caller=SYSTEM, today=TODAY)
    replan(uow, caller=SYSTEM, today=TODAY, executor="serial", settings=PlanningSettings(solution_limit=30))
    summary = evaluate_at_risk(uow, caller=SYSTEM, today=TODAY)
    assert summary.at_risk == 0
    assert marks(uow, people) == set()


def test_grid_workers_do_not_evaluate(uow: UnitOfWork, clock: FixedClock) -> None:
    district = make_district(uow)
    with uow:
        worker = caller_for(uow.workers.find_by_account("w_a1"))  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        evaluate_at_risk(uow, caller=worker, today=TODAY)
    assert marks(uow, list(district.elders.values())) == set()
