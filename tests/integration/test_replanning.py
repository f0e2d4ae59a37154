"""Re-planning the rest of December 2026 from its current plan: misses and not-at-homes come back on later
working days, settled visits do not, newcomers get their first visit in time, the past and today stay as
they were, a supervisor's pinned moves stay where they were put."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest

from tests.factories import SYSTEM, District, elder_data, make_district, make_plan
from tests.fieldwork import set_elder
from visitsvc.access.scoping import Caller, caller_for
from visitsvc.field import visits
from visitsvc.field.visit_input import VisitInput
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import AbsenceKind, Category, PlannedVisit, VisitKind, VisitOutcome
from visitsvc.planning import moves
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.replanning import replan
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import absences, elders, workers

DECEMBER = Month(2026, 12)
REPRODUCIBLE = PlanningSettings(solution_limit=30)
CALENDAR = WorkCalendar()


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    """Everyone owed one home visit in December (71 years old: no weekly rule), planned on 25 November."""
    d = make_district(uow)
    for key in ("elder_a1", "elder_a2", "elder_b1"):
        set_elder(uow, d.elders[key], birth_date=date(1955, 3, 1))
    for n in range(3):
        data = elder_data(
            d.codes["grid_a1"],
            name=f"陈阿婆{n}",
            birth_date=date(1950, 8, 2),
            categories=frozenset({Category.EMPTY_NEST}),
        )
        d.elders[f"a1_{n}"] = elders.create_elder(uow, caller=SYSTEM, data=data).id
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE)
    return d


def current(uow: UnitOfWork) -> list[PlannedVisit]:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        return uow.plans.visits(latest.id)


def version(uow: UnitOfWork) -> int:
    with uow:
        latest = uow.plans.latest(DECEMBER)
        assert latest is not None
        return latest.number


def row_of(uow: UnitOfWork, elder_id: int) -> PlannedVisit:
    (row,) = [r for r in current(uow) if r.elder_id == elder_id]
    return row


def frozen(rows: list[PlannedVisit], today: date) -> list[tuple[object, ...]]:
    return sorted(
        (r.elder_id, r.obligation, r.worker_id, r.day, r.seq, r.arrival) for r in rows if r.day <= today
    )


def go_to(clock: FixedClock, day: date) -> None:
    clock.set(datetime.combine(day, time(18, 0), SHANGHAI))


def record(uow: UnitOfWork, row: PlannedVisit, outcome: VisitOutcome) -> None:
    with uow:
        worker = uow.workers.find_by_account_id(row.worker_id)
        assert worker is not None
        caller: Caller = caller_for(worker)
    start = datetime.combine(row.day, time(10, 0), SHANGHAI)
    visit = VisitInput(
        client_id=str(uuid.uuid4()),
        kind=VisitKind.HOME,
        outcome=outcome,
        started_at=start,
        ended_at=start + timedelta(minutes=25),
        planned_visit_id=row.id,
    )
    visits.record_visit(uow, caller=caller, visit=visit)


def rerun(uow: UnitOfWork, today: date, **kwargs: object) -> object:
    return replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE, **kwargs)  # type: ignore[arg-type]


def test_not_at_home_is_tried_again_on_the_next_working_day(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    before = row_of(uow, district.elders["a1_0"])
    go_to(clock, before.day)
    record(uow, before, VisitOutcome.NOT_HOME)
    outcome = replan(uow, caller=SYSTEM, today=before.day, executor="serial", settings=REPRODUCIBLE)
    assert outcome.created
    assert outcome.version == 2
    rows = sorted((r for r in current(uow) if r.elder_id == before.elder_id), key=lambda r: r.day)
    assert next((r.day, r.obligation) for r in rows) == (before.day, before.obligation), "the attempt stays"
    assert len(rows) == 2
    again = rows[1]
    assert again.obligation == before.obligation
    assert again.day == CALENDAR.add_workdays(before.day, 1)
    assert outcome.added >= 1


def test_a_planned_day_passed_without_a_record_is_planned_again_after_today(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    missed = row_of(uow, district.elders["a1_1"])
    today = CALENDAR.add_workdays(missed.day, 1)
    go_to(clock, today)
    replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)
    days = sorted(r.day for r in current(uow) if r.elder_id == missed.elder_id)
    assert days[0] == missed.day
    assert len(days) == 2
    assert days[1] == CALENDAR.add_workdays(today, 1)


def test_a_settled_visit_is_not_planned_again(uow: UnitOfWork, clock: FixedClock, district: District) -> None:
    done = row_of(uow, district.elders["a1_2"])
    go_to(clock, done.day)
    record(uow, done, VisitOutcome.VISITED)
    today = CALENDAR.add_workdays(done.day, 1)
    go_to(clock, today)
    replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)
    assert [r.day for r in current(uow) if r.elder_id == done.elder_id] == [done.day]


def test_past_days_and_today_are_carried_over_unchanged(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    before = current(uow)
    today = date(2026, 12, 9)
    go_to(clock, today)
    newcomer = elders.create_elder(uow, caller=SYSTEM, data=elder_data(district.codes["grid_a1"])).id
    outcome = replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)
    assert outcome.created
    after = current(uow)
    assert frozen(after, today) == frozen(before, today)
    assert frozen(before, today), "the fixture plans visits before 9 December"
    assert any(r.elder_id == newcomer for r in after)


def test_a_newcomer_gets_a_visit_within_five_working_days(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    today = date(2026, 12, 14)
    go_to(clock, today)
    data = elder_data(
        district.codes["grid_b1"], birth_date=date(1950, 1, 1), categories=frozenset({Category.EMPTY_NEST})
    )
    newcomer = elders.create_elder(uow, caller=SYSTEM, data=data).id
    replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)
    (row,) = [r for r in current(uow) if r.elder_id == newcomer]
    assert today < row.day <= CALENDAR.add_workdays(today, 5)
    assert row.obligation == f"new:{today}"


def test_nothing_changed_makes_no_new_version(uow: UnitOfWork, clock: FixedClock, district: District) -> None:
    missed = row_of(uow, district.elders["a1_1"])
    today = CALENDAR.add_workdays(missed.day, 1)
    go_to(clock, today)
    first = replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)
    again = replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE)
    assert first.created
    assert not again.created
    assert again.version == first.version == version(uow)
    assert again.changed == 0


def test_pinned_moves_survive_a_replan_and_a_forced_plan(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    today = date(2026, 12, 1)
    go_to(clock, today)
    target = next(r for r in current(uow) if r.elder_id == district.elders["a1_0"])
    later = CALENDAR.add_workdays(max(target.day, today), 3)
    with uow:
        supervisor = caller_for(uow.workers.find_by_account("sup_a"))  # type: ignore[arg-type]
    moves.move_visits(
        uow,
        caller=supervisor,
        month=DECEMBER,
        moves=[moves.Move(target.id, to_worker_id=district.accounts["w_a2"], to_date=later)],
        settings=REPRODUCIBLE,
    )
    pinned = [(r.elder_id, r.obligation, r.worker_id, r.day, r.pinned) for r in current(uow) if r.pinned]
    assert pinned == [(target.elder_id, target.obligation, district.accounts["w_a2"], later, True)]
    elders.create_elder(uow, caller=SYSTEM, data=elder_data(district.codes["grid_a2"]))  # a change to plan
    assert replan(uow, caller=SYSTEM, today=today, executor="serial", settings=REPRODUCIBLE).created
    assert [
        (r.elder_id, r.obligation, r.worker_id, r.day, r.pinned) for r in current(uow) if r.pinned
    ] == pinned
    assert len([r for r in current(uow) if r.elder_id == target.elder_id]) == 1, "not planned twice"
    forced = plan_month(
        uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE, force=True
    )
    assert forced.created
    assert [
        (r.elder_id, r.obligation, r.worker_id, r.day, r.pinned) for r in current(uow) if r.pinned
    ] == pinned
    assert len([r for r in current(uow) if r.elder_id == target.elder_id]) == 1


def test_an_absence_today_moves_that_workers_visits_of_today(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    w_a1 = district.accounts["w_a1"]
    today = min(r.day for r in current(uow) if r.worker_id == w_a1)
    clock.set(datetime.combine(today, time(8, 0), SHANGHAI))
    mine = [r for r in current(uow) if r.worker_id == w_a1 and r.day == today]
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=w_a1, first_day=today, last_day=today, kind=AbsenceKind.SICK
    )
    outcome = replan(
        uow, caller=SYSTEM, today=today, worker_id=w_a1, executor="serial", settings=REPRODUCIBLE
    )
    assert outcome.created
    after = current(uow)
    assert not [r for r in after if r.worker_id == w_a1 and r.day == today]
    for row in mine:
        (moved,) = [r for r in after if (r.elder_id, r.obligation) == (row.elder_id, row.obligation)]
        assert moved.day > today
    assert outcome.moved == len(mine)


def late_in_december(uow: UnitOfWork, district: District) -> date:
    """On 30 December w_a1 has one visit and w_a2 one visit and one call; each visit's window ends on the
    31st."""
    w_a1, w_a2, people = district.accounts["w_a1"], district.accounts["w_a2"], district.elders
    day = date(2026, 12, 30)
    rows = [(people["a1_1"], w_a1, day, VisitKind.HOME), (people["elder_a2"], w_a2, day, VisitKind.HOME)]
    make_plan(uow, str(DECEMBER), [*rows, (people["a1_2"], w_a2, day, VisitKind.PHONE)])
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=w_a1, first_day=day, last_day=day, kind=AbsenceKind.SICK
    )
    return day


@pytest.mark.parametrize(
    ("announced", "not_before"),
    [(time(7, 30), time(9, 0)), (time(11, 0), time(11, 30))],
    ids=["before work", "late morning"],
)
def test_an_absence_announced_today_hands_a_visit_that_cannot_wait_to_a_colleague_today(
    uow: UnitOfWork, clock: FixedClock, district: District, announced: time, not_before: time
) -> None:
    """Given up on the 30th, w_a1's visit would have one try left (the 31st): w_a2 of the same community
    takes it on today, after the 30-minute visit already on their route (which starts at 08:30, or now if
    later); their call comes after both."""
    w_a2, people = district.accounts["w_a2"], district.elders
    today = late_in_december(uow, district)
    before = {r.elder_id: r for r in current(uow)}
    clock.set(datetime.combine(today, announced, SHANGHAI))
    outcome = rerun(uow, today, worker_id=district.accounts["w_a1"])
    route = sorted((r for r in current(uow) if r.worker_id == w_a2 and r.day == today), key=lambda r: r.seq)
    assert [(r.elder_id, r.kind) for r in route] == [
        (people["elder_a2"], VisitKind.HOME),
        (people["a1_1"], VisitKind.HOME),
        (people["a1_2"], VisitKind.PHONE),
    ]
    assert len({r.seq for r in route}) == 3
    kept, taken = route[0], route[1]
    assert kept.arrival == before[people["elder_a2"]].arrival, "the route as served stays as it was"
    assert taken.arrival is not None
    assert taken.arrival >= not_before
    assert (taken.moved, taken.obligation) == (True, before[people["a1_1"]].obligation)
    assert len([r for r in current(uow) if r.elder_id == people["a1_1"]]) == 1, "not also on the 31st"
    assert (outcome.moved, outcome.to_colleagues) == (1, 1)  # type: ignore[attr-defined]


def test_a_try_again_on_the_last_day_is_handed_over_too(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """Not at home on the 30th and tried again on the 31st, the month's last working day, by a worker who
    reports sick that morning: w_a2 makes the last try."""
    w_a1, w_a2, people = district.accounts["w_a1"], district.accounts["w_a2"], district.elders
    first, last = date(2026, 12, 30), date(2026, 12, 31)
    rows = [(people["a1_1"], w_a1, first, VisitKind.HOME), (people["a1_1"], w_a1, last, VisitKind.HOME)]
    make_plan(uow, str(DECEMBER), [*rows, (people["elder_a2"], w_a2, last, VisitKind.HOME)])
    go_to(clock, first)
    record(
        uow,
        min((r for r in current(uow) if r.elder_id == people["a1_1"]), key=lambda r: r.day),
        VisitOutcome.NOT_HOME,
    )
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=w_a1, first_day=last, last_day=last, kind=AbsenceKind.SICK
    )
    clock.set(datetime.combine(last, time(7, 30), SHANGHAI))
    rerun(uow, last, worker_id=w_a1)
    tries = sorted((r.day, r.worker_id) for r in current(uow) if r.elder_id == people["a1_1"])
    assert tries == [(first, w_a1), (last, w_a2)]


def test_a_replan_of_a_day_already_over_hands_nothing_to_colleagues_for_that_day(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """The nightly run passes the day that has just ended: nobody can still go there that day."""
    people = district.elders
    day = late_in_december(uow, district)
    clock.set(datetime.combine(day + timedelta(days=1), time(1, 0), SHANGHAI))
    rerun(uow, day, worker_id=district.accounts["w_a1"])
    (row,) = [r for r in current(uow) if r.elder_id == people["a1_1"]]
    assert (row.worker_id, row.day) == (district.accounts["w_a1"], date(2026, 12, 31))


def test_a_colleague_absent_today_does_not_lose_the_visits_they_had_taken_on(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    workers.update_worker(
        uow, caller=SYSTEM, worker_id=district.accounts["w_a1"], changes={"visit_minutes_per_day": 20}
    )
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=REPRODUCIBLE, force=True)
    w_a2 = district.accounts["w_a2"]
    taken_on = [r for r in current(uow) if r.worker_id == w_a2 and r.moved]
    assert taken_on, "w_a1 cannot fit a home visit: its people go to w_a2"
    today = min(r.day for r in taken_on)
    clock.set(datetime.combine(today, time(8, 0), SHANGHAI))
    todays = [r for r in current(uow) if r.worker_id == w_a2 and r.day == today]
    absences.add_absence(
        uow, caller=SYSTEM, worker_id=w_a2, first_day=today, last_day=today, kind=AbsenceKind.SICK
    )
    replan(uow, caller=SYSTEM, today=today, worker_id=w_a2, executor="serial", settings=REPRODUCIBLE)
    after = current(uow)
    for row in todays:
        (again,) = [r for r in after if (r.elder_id, r.obligation) == (row.elder_id, row.obligation)]
        assert again.day > today


def test_a_miss_does_not_reshuffle_the_rest_of_the_workers_month(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """A worker's phone holds the coming days; a re-plan adds the new attempt and keeps every other visit on
    its day, even days the solver would not choose from scratch (it prefers early days)."""
    w_a1, people = district.accounts["w_a1"], district.elders
    late = [date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30)]  # the 31st is the retry day
    rows = [(people["a1_0"], w_a1, date(2026, 12, 2), VisitKind.HOME)]
    rows += [(people[f"a1_{n}"], w_a1, late[n - 1], VisitKind.HOME) for n in (1, 2)]
    rows += [(people["elder_a1"], w_a1, late[2], VisitKind.HOME)]
    make_plan(uow, str(DECEMBER), rows)
    go_to(clock, date(2026, 12, 2))
    record(uow, row_of(uow, people["a1_0"]), VisitOutcome.NOT_HOME)
    rerun(uow, date(2026, 12, 2))
    days = {r.elder_id: r.day for r in current(uow) if r.day > date(2026, 12, 2)}
    assert [days[people[k]] for k in ("a1_1", "a1_2", "elder_a1")] == late
    assert people["a1_0"] in days, "the new attempt is planned"


def test_a_try_again_that_cannot_wait_takes_the_next_day_from_a_visit_that_can(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """w_a1 has time for one visit a day (45 minutes). A weekly visit not at home on Monday 14 December
    needs Tuesday (each day later is one try fewer in its week); a monthly visit kept on Tuesday has days to
    spare, so it gives up its day. Nothing else moves."""
    w_a1, people = district.accounts["w_a1"], district.elders
    workers.update_worker(uow, caller=SYSTEM, worker_id=w_a1, changes={"visit_minutes_per_day": 45})
    weekly = elders.create_elder(
        uow,
        caller=SYSTEM,
        data=elder_data(
            district.codes["grid_a1"], name="孙阿婆", birth_date=date(1940, 1, 1),
            categories=frozenset({Category.LIVING_ALONE}),
        ),
    ).id  # fmt: skip
    monday, tuesday = date(2026, 12, 14), date(2026, 12, 15)
    later = {people["a1_0"]: date(2026, 12, 22), people["a1_2"]: date(2026, 12, 23)}
    later[people["elder_a1"]] = date(2026, 12, 24)
    rows = [
        (weekly, w_a1, monday, VisitKind.HOME, "week:2026-12-14"),
        (weekly, w_a1, date(2026, 12, 21), VisitKind.HOME, "week:2026-12-21"),
        (weekly, w_a1, date(2026, 12, 28), VisitKind.HOME, "week:2026-12-28"),
        (people["a1_1"], w_a1, tuesday, VisitKind.HOME, "month"),
        *((elder, w_a1, day, VisitKind.HOME, "month") for elder, day in later.items()),
    ]
    make_plan(uow, str(DECEMBER), rows)
    go_to(clock, monday)
    (tried,) = [r for r in current(uow) if r.elder_id == weekly and r.day == monday]
    record(uow, tried, VisitOutcome.NOT_HOME)
    rerun(uow, monday, worker_id=w_a1)
    after = [r for r in current(uow) if r.day > monday]
    assert [r.day for r in after if r.obligation == "week:2026-12-14"] == [tuesday]
    (gave_way,) = [r for r in after if r.elder_id == people["a1_1"]]
    assert gave_way.day > tuesday
    assert {r.elder_id: r.day for r in after if r.elder_id in later} == later, "nothing else moves"


def test_a_day_that_no_longer_holds_its_visits_is_opened_up_to_the_whole_window(
    uow: UnitOfWork, clock: FixedClock, district: District
) -> None:
    """Keeping days is a preference: when a kept day cannot hold its visits, the month is solved freely."""
    w_a1 = district.accounts["w_a1"]
    crowd = [
        elders.create_elder(
            uow,
            caller=SYSTEM,
            data=elder_data(district.codes["grid_a1"], name=f"周阿公{n}", birth_date=date(1950, 1, 1)),
        ).id
        for n in range(9)
    ]
    last = date(2026, 12, 31)
    make_plan(uow, str(DECEMBER), [(elder, w_a1, last, VisitKind.HOME) for elder in crowd])
    outcome = rerun(uow, date(2026, 12, 2))
    rows = [r for r in current(uow) if r.elder_id in crowd]
    assert len(rows) == len(crowd), f"every visit planned: {outcome}"
    assert {r.worker_id for r in rows} == {w_a1}, "their own worker's other days come before colleagues"
    assert min(r.day for r in rows) < last, "some moved off the day that cannot hold nine visits"
