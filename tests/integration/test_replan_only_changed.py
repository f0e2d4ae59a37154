"""A re-plan solves again only the workers whose own problem changed (docs/adr/0018): a worker whose day went
as planned keeps their routes and is not solved, and every kind of input that changes a worker's problem
has that worker solved again."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

import routing
from tests.factories import SYSTEM, District, elder_data, make_district, make_record
from tests.fieldwork import set_elder
from visitsvc.access.scoping import Caller, caller_for
from visitsvc.field import appointments, visits
from visitsvc.field.appointment_input import AppointmentInput
from visitsvc.field.visit_input import VisitInput
from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import (
    AbsenceKind,
    Category,
    ElderStatus,
    PlannedVisit,
    RecordState,
    VisitKind,
    VisitOutcome,
    VisitRecord,
)
from visitsvc.oversight import decisions
from visitsvc.planning import holidays, moves, replanning
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.replan_writing import Replanned
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.planning.visit_ids import VisitId
from visitsvc.register import absences, elders, workers

DECEMBER = Month(2026, 12)
REPRODUCIBLE = PlanningSettings(solution_limit=30)
FIRST = date(2026, 12, 1)  # a Tuesday
SECOND = date(2026, 12, 2)
THIRD = date(2026, 12, 3)


@pytest.fixture
def district(uow: UnitOfWork, clock: FixedClock) -> District:
    """One home visit each in December, four people in grid a1; re-planned once after the 1st went as
    planned (and a newcomer came), so every worker's routes carry their digests."""
    d = make_district(uow)
    for key in ("elder_a1", "elder_a2", "elder_b1"):
        set_elder(uow, d.elders[key], birth_date=date(1955, 3, 1))
    for n in range(4):
        data = elder_data(
            d.codes["grid_a1"], name=f"陈阿婆{n}", birth_date=date(1950, 8, 2),
            categories=frozenset({Category.EMPTY_NEST}),
        )  # fmt: skip
        d.elders[f"a1_{n}"] = elders.create_elder(uow, caller=SYSTEM, data=data).id
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    go_to(clock, FIRST)
    carry_out(uow, FIRST)
    elders.create_elder(uow, caller=SYSTEM, data=elder_data(d.codes["grid_b1"], name="新来的"))
    assert rerun(uow, FIRST).created
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        assert set(latest.worker_fingerprints or {}) == {str(d.accounts[w]) for w in ("w_a1", "w_a2", "w_b1")}
    return d


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """The workers whose problems went to the solver."""
    workers_solved: set[int] = set()
    original = routing.solve_many

    def spy(problems: list[routing.Problem], *args: Any, **kwargs: Any) -> list[routing.Plan]:
        workers_solved.update(int(p.shifts[0].worker_id) for p in problems if p.shifts)
        return original(problems, *args, **kwargs)

    monkeypatch.setattr(routing, "solve_many", spy)
    return workers_solved


def go_to(clock: FixedClock, day: date) -> None:
    clock.set(datetime.combine(day, time(18, 0), SHANGHAI))


def current(uow: UnitOfWork) -> list[PlannedVisit]:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        return uow.plans.visits(latest.id)


def record(uow: UnitOfWork, row: PlannedVisit, outcome: VisitOutcome) -> None:
    with uow:
        worker = uow.workers.find_by_account_id(row.worker_id)
        assert worker is not None
        caller: Caller = caller_for(worker)
    start = datetime.combine(row.day, time(10, 0), SHANGHAI)
    visit = VisitInput(
        client_id=str(uuid.uuid4()), kind=row.kind, outcome=outcome, started_at=start,
        ended_at=start + timedelta(minutes=25), planned_visit_id=row.id,
    )  # fmt: skip
    visits.record_visit(uow, caller=caller, visit=visit)


def carry_out(uow: UnitOfWork, day: date, *, but: Callable[[PlannedVisit], bool] = lambda _r: False) -> None:
    """Every visit of `day` made as planned, but those `but` picks."""
    for row in sorted(current(uow), key=lambda r: (r.worker_id, r.seq)):
        if row.day == day and not but(row):
            record(uow, row, VisitOutcome.VISITED)


def rerun(uow: UnitOfWork, today: date) -> Any:
    return replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)


def supervisor(uow: UnitOfWork) -> Caller:
    with uow:
        account = uow.workers.find_by_account("sup_a")
        assert account is not None
        return caller_for(account)


def later_home_row(uow: UnitOfWork, worker_id: int, after: date) -> PlannedVisit:
    rows = [
        r for r in current(uow) if r.worker_id == worker_id and r.day > after and r.kind is VisitKind.HOME
    ]
    assert rows, "the plan has a later home visit of this worker"
    return min(rows, key=lambda r: (r.day, r.seq))


def test_a_worker_whose_day_went_as_planned_keeps_their_routes_unsolved(
    uow: UnitOfWork, clock: FixedClock, district: District, solved: set[int]
) -> None:
    before = current(uow)
    go_to(clock, SECOND)
    carry_out(uow, SECOND)
    outcome = rerun(uow, SECOND)
    assert solved == set()
    assert not outcome.created
    later = sorted((r.elder_id, r.worker_id, r.day, r.seq, r.arrival) for r in before if r.day > SECOND)
    assert (
        sorted((r.elder_id, r.worker_id, r.day, r.seq, r.arrival) for r in current(uow) if r.day > SECOND)
        == later
    )


def test_a_visit_of_today_not_recorded_is_pending_tonight_and_a_miss_the_night_after(
    uow: UnitOfWork, clock: FixedClock, district: District, solved: set[int]
) -> None:
    w_a1 = district.accounts["w_a1"]
    target = later_home_row(uow, w_a1, FIRST)
    today = play_until(uow, clock, target.day, but=lambda r: r.id == target.id)
    rerun(uow, today)
    assert solved == set(), "an untried visit of today waits for its record"
    tomorrow = next(d for d in (today + timedelta(days=n) for n in range(1, 5)) if d.weekday() < 5)
    go_to(clock, tomorrow)
    carry_out(uow, tomorrow)
    rerun(uow, tomorrow)
    assert solved == {w_a1}


def play_until(
    uow: UnitOfWork, clock: FixedClock, day: date, *, but: Callable[[PlannedVisit], bool] = lambda _r: False
) -> date:
    """Every day after the 1st up to `day` goes as planned (but the visits `but` picks); now on `day`."""
    go_to(clock, day)
    for worked in sorted({r.day for r in current(uow) if FIRST < r.day <= day}):
        carry_out(uow, worked, but=but)
    return day


@dataclass(frozen=True)
class Scene:
    """The first later home visit of w_a1 (`target`, on the day of the run) and the one after it (`later`)."""

    district: District
    target: PlannedVisit
    later: PlannedVisit

    def account(self, key: str) -> int:
        return self.district.accounts[key]


def _not_at_home(uow: UnitOfWork, s: Scene) -> set[int]:
    record(uow, s.target, VisitOutcome.NOT_HOME)
    return {s.account("w_a1")}


def _newcomer(uow: UnitOfWork, s: Scene) -> set[int]:
    elders.create_elder(uow, caller=SYSTEM, data=elder_data(s.district.codes["grid_a2"], name="刚登记"))
    return {s.account("w_a2")}


def _status_change(uow: UnitOfWork, s: Scene) -> set[int]:
    elders.change_status(
        uow, caller=SYSTEM, elder_id=s.later.elder_id, status=ElderStatus.MOVED_OUT,
        effective=s.target.day + timedelta(days=1), reason="搬走",
    )  # fmt: skip
    return {s.account("w_a1")}


def _absence(uow: UnitOfWork, s: Scene) -> set[int]:
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=s.account("w_a1"), first_day=s.later.day, last_day=s.later.day,
        kind=AbsenceKind.LEAVE, note="年假",
    )  # fmt: skip
    return {s.account("w_a1")}


def _appointment(uow: UnitOfWork, s: Scene) -> set[int]:
    """The later visit's person agrees a time on another working day of the month: pinned there."""
    day = _another_working_day(s.later.day, after=s.target.day)
    item = AppointmentInput(str(uuid.uuid4()), s.later.elder_id, day, time(14, 0), time(15, 0))
    appointments.record_appointment(uow, caller=SYSTEM, item=item)
    return {s.account("w_a1")}


def _another_working_day(avoid: date, *, after: date) -> date:
    day = after + timedelta(days=1)
    while day.weekday() >= 5 or day == avoid:
        day += timedelta(days=1)
    return day


def _move(uow: UnitOfWork, s: Scene) -> set[int]:
    moves.move_visits(
        uow, caller=supervisor(uow), month=DECEMBER,
        moves=[moves.Move(s.later.id, to_worker_id=s.account("w_a2"), to_date=s.later.day)],
    )  # fmt: skip
    return {s.account("w_a1"), s.account("w_a2")}


def _void(uow: UnitOfWork, s: Scene) -> set[int]:
    """A visit made on an earlier day no longer counts: it is owed again (one of today's would wait)."""
    made = min((r for r in _records(uow) if r.day < s.target.day), key=lambda r: r.id)
    decisions.void_visit(uow, caller=supervisor(uow), visit_id=made.id, reason="记错了人")
    return {made.worker_id}


def _refusal(uow: UnitOfWork, s: Scene) -> set[int]:
    decisions.mark_refuses_contact(
        uow, caller=supervisor(uow), elder_id=s.later.elder_id, reason="拒绝一切联系"
    )
    return {s.account("w_a1")}


def _late_record(uow: UnitOfWork, s: Scene) -> set[int]:
    late = make_record(
        uow, elder_id=s.later.elder_id, worker_id=s.account("w_a1"), day=s.target.day,
        state=RecordState.QUARANTINED,
    )  # fmt: skip
    decisions.accept_quarantined(uow, caller=supervisor(uow), visit_id=late)
    return {s.account("w_a1")}


def _person_edit(uow: UnitOfWork, s: Scene) -> set[int]:
    elders.update_elder(uow, caller=SYSTEM, elder_id=s.later.elder_id, changes={"lon": 120.2, "lat": 30.3})
    return {s.account("w_a1")}


def _worker_edit(uow: UnitOfWork, s: Scene) -> set[int]:
    workers.update_worker(uow, caller=SYSTEM, worker_id=s.account("w_a1"), changes={"work_end": time(16, 0)})
    return {s.account("w_a1")}


def _calendar(uow: UnitOfWork, s: Scene) -> set[int]:
    day = date(2026, 12, 30)  # a Wednesday every worker works
    table = Table(["日期", "类型"], [(2, {"日期": day.isoformat(), "类型": "休"})])
    holidays.load_calendar(uow, caller=SYSTEM, table=table, source="test")
    return {s.account("w_a1"), s.account("w_a2"), s.account("w_b1")}


def _handover(uow: UnitOfWork, s: Scene) -> set[int]:
    """w_a1 away for the rest of the month: their visits go to the colleague of the community. (w_a1's own
    problem, with no working day left, has no shift to tell whose it is.)"""
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=s.account("w_a1"), first_day=s.target.day + timedelta(days=1),
        last_day=DECEMBER.last, kind=AbsenceKind.LEAVE, note="长假",
    )  # fmt: skip
    return {s.account("w_a2")}


CHANGES: dict[str, Callable[[UnitOfWork, Scene], set[int]]] = {
    "not at home": _not_at_home,
    "newcomer": _newcomer,
    "status change": _status_change,
    "absence": _absence,
    "appointment": _appointment,
    "move": _move,
    "void": _void,
    "refusal of all contact": _refusal,
    "accepted late record": _late_record,
    "edit of the person": _person_edit,
    "edit of the worker": _worker_edit,
    "calendar load": _calendar,
    "colleague's hand-over": _handover,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=list(CHANGES))
def test_a_change_of_a_workers_problem_has_that_worker_solved_again(
    uow: UnitOfWork,
    clock: FixedClock,
    district: District,
    solved: set[int],
    change: Callable[[UnitOfWork, Scene], set[int]],
) -> None:
    w_a1 = district.accounts["w_a1"]
    target = later_home_row(uow, w_a1, FIRST)
    scene = Scene(district, target, later_home_row(uow, w_a1, target.day))
    today = play_until(uow, clock, target.day, but=lambda r: r.id == target.id and change is _not_at_home)
    expected = change(uow, scene)
    rerun(uow, today)
    assert solved == expected


def test_a_cancelled_appointment_has_its_worker_solved_again_and_a_kept_one_does_not(
    uow: UnitOfWork, clock: FixedClock, district: District, solved: set[int]
) -> None:
    w_a1 = district.accounts["w_a1"]
    target = later_home_row(uow, w_a1, FIRST)
    later = later_home_row(uow, w_a1, target.day)
    today = play_until(uow, clock, target.day)
    day = _another_working_day(later.day, after=today)
    item = AppointmentInput(str(uuid.uuid4()), later.elder_id, day, time(14, 0), time(15, 0))
    made = appointments.record_appointment(uow, caller=SYSTEM, item=item).appointment
    rerun(uow, today)
    assert solved == {w_a1}
    solved.clear()
    rerun(uow, today)
    assert solved == set(), "the appointment is part of the routes' digest: nothing changed since"
    appointments.cancel_appointment(uow, caller=SYSTEM, appointment_id=made.id)
    rerun(uow, today)
    assert solved == {w_a1}


def _records(uow: UnitOfWork) -> list[Any]:
    with uow:
        return list(uow.session.scalars(select(VisitRecord)))


Routes = dict[int, dict[date, list[str]]]  # worker -> day -> visit ids in route order


def test_the_workers_left_unsolved_have_the_routes_a_full_replan_gives_them(
    uow: UnitOfWork, clock: FixedClock, district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    w_a1 = district.accounts["w_a1"]
    target = later_home_row(uow, w_a1, FIRST)
    today = play_until(uow, clock, target.day, but=lambda r: r.id == target.id)
    record(uow, target, VisitOutcome.NOT_HOME)
    others = [district.accounts["w_a2"], district.accounts["w_b1"]]
    full = _full_replan_routes(uow, monkeypatch, today)
    rerun(uow, today)
    kept: Routes = {w: {} for w in others}
    for row in sorted(current(uow), key=lambda r: (r.day, r.seq)):
        if row.worker_id in kept and row.day > today and row.kind is VisitKind.HOME:
            kept[row.worker_id].setdefault(row.day, []).append(str(VisitId.of_row(row)))
    assert any(kept.values()), "the others have routes left to compare"
    assert kept == {w: full.get(w, {}) for w in others}


def _full_replan_routes(uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch, today: date) -> Routes:
    """What a re-plan solving every worker gives after `today`, written nowhere."""
    solved: list[Replanned] = []

    def capture(uow: UnitOfWork, _caller: Caller, read: Any, done: Replanned, *_args: Any) -> Any:
        solved.append(done)
        return replanning.unchanged(uow, read, 0.0)

    with monkeypatch.context() as patch:
        patch.setattr(replanning, "still_current", lambda *_args, **_kwargs: False)
        patch.setattr(replanning, "write_replan", capture)
        rerun(uow, today)
    routes: Routes = {}
    for month, plan in solved[0].solved:
        for route in plan.routes:
            if route.day > today and route.stops:
                routes.setdefault(month.worker.id, {})[route.day] = [s.visit_id for s in route.stops]
    return routes
