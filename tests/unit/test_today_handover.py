"""Which of an absent worker's visits of today cannot wait for their own later days, and where a colleague
who takes one on puts it: after the route they already have."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from visitsvc.model import TravelMode, VisitKind
from visitsvc.planning.plan_rows import PlanRow
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.replan_decisions import Decision
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerFacts
from visitsvc.planning.today_handover import cannot_wait, hand_over_today

SETTINGS = PlanningSettings(solution_limit=10)
REACH = 30.0  # minutes one way: the policy's default
MONDAY = date(2026, 12, 14)
WEEK = [date(2026, 12, d) for d in range(14, 19)]
ABSENT, COLLEAGUE = 1, 2
GRID_A, GRID_B = "/1/2/3/4/", "/1/2/3/5/"
HOMES = {
    7: Home(7, 4, 120.110, 30.210),
    8: Home(8, 5, 120.112, 30.211),
    9: Home(9, 4, 120.113, 30.212),
}
GRID_PATH = {4: GRID_A, 5: GRID_B}


def row(elder: int, worker: int, day: date, seq: int, kind: VisitKind = VisitKind.HOME) -> PlanRow:
    return PlanRow(
        id=elder * 100 + seq, elder_id=elder, worker_id=worker, day=day, seq=seq, arrival=time(9, 0),
        kind=kind, obligation=f"week-{MONDAY}", rule=Rule.WEEKLY_HIGH_RISK.value, substituted=False,
        moved=False, pinned=False,
    )  # fmt: skip


def weekly(elder: int) -> Owed:
    return Owed(elder, VisitKind.HOME, WEEK[0], WEEK[-1], Rule.WEEKLY_HIGH_RISK, f"week-{MONDAY}")


def released_on(today: date, *, kind: VisitKind = VisitKind.HOME) -> Decision:
    """A weekly visit of 14-18 December planned on `today` for a worker absent today."""
    key = (7, f"week-{MONDAY}")
    return Decision(released=[row(7, ABSENT, today, 1, kind)], owner={key: ABSENT}, given_up={key: weekly(7)})


def days_after(today: date) -> dict[int, list[date]]:
    return {ABSENT: [d for d in WEEK if d > today]}


def test_a_visit_with_four_working_days_left_waits_for_its_own_worker() -> None:
    assert cannot_wait(released_on(WEEK[0]), days_after(WEEK[0]), WEEK[0], SETTINGS) == []


def test_a_visit_with_fewer_days_left_or_none_cannot_wait_and_is_due_today() -> None:
    for today in WEEK[1:]:
        (due,) = cannot_wait(released_on(today), days_after(today), today, SETTINGS)
        assert (due.elder_id, due.earliest, due.latest) == (7, today, today)


def test_a_desk_call_is_not_handed_over() -> None:
    today = WEEK[3]
    assert cannot_wait(released_on(today, kind=VisitKind.PHONE), days_after(today), today, SETTINGS) == []


def colleague(start: time = time(8, 30)) -> WorkerFacts:
    return WorkerFacts(COLLEAGUE, TravelMode.WALK, (120.111, 30.211), start, time(17, 30), 240, (GRID_B,))


def test_a_colleague_takes_it_on_after_their_route_and_their_calls_follow() -> None:
    today = WEEK[3]
    kept = [row(8, COLLEAGUE, today, 1), row(9, COLLEAGUE, today, 2, VisitKind.PHONE)]
    (due,) = cannot_wait(released_on(today), days_after(today), today, SETTINGS)
    handover = hand_over_today(
        [due],
        [colleague()],
        kept,
        HOMES,
        GRID_PATH,
        today=today,
        now=time(7, 30),
        reach=REACH,
        settings=SETTINGS,
    )
    (taken,) = handover.rows
    assert (taken.elder_id, taken.worker_id, taken.day, taken.seq, taken.moved) == (
        7,
        COLLEAGUE,
        today,
        2,
        True,
    )
    assert taken.arrival is not None
    assert taken.arrival >= time(9, 0), "after the 30-minute visit from 08:30"
    assert handover.seq == {id(kept[1]): 3}
    assert handover.taken == {(7, f"week-{MONDAY}"): COLLEAGUE}


def test_nobody_takes_it_on_once_the_colleagues_day_is_over() -> None:
    today = WEEK[3]
    (due,) = cannot_wait(released_on(today), days_after(today), today, SETTINGS)
    handover = hand_over_today(
        [due],
        [colleague()],
        [],
        HOMES,
        GRID_PATH,
        today=today,
        now=time(17, 45),
        reach=REACH,
        settings=SETTINGS,
    )
    assert (handover.rows, handover.taken) == ([], {})


HAMLET = 10
FAR_HOMES = {**HOMES, HAMLET: Home(HAMLET, 5, 120.111, 30.232)}  # 2.3 km north: 40 minutes on foot


def test_a_colleague_whose_route_as_served_cannot_end_by_their_days_end_is_offered_nothing() -> None:
    """The colleague with the most time left ends their route in the hamlet at 17:10, 40 minutes from home at
    a 17:30 end: no visit can follow it. Offered the visit anyway, their solve was a model no dropping makes
    feasible and took nothing (docs/adr/0024); now the next colleague takes it on."""
    today, other = WEEK[3], 3
    (due,) = cannot_wait(released_on(today), days_after(today), today, SETTINGS)
    roomy = WorkerFacts(
        COLLEAGUE, TravelMode.WALK, (120.111, 30.211), time(8, 30), time(17, 30), 480, (GRID_B,)
    )
    second = WorkerFacts(other, TravelMode.WALK, (120.111, 30.211), time(8, 30), time(17, 30), 240, (GRID_B,))

    handover = hand_over_today(
        [due], [roomy, second], [row(HAMLET, COLLEAGUE, today, 1)], FAR_HOMES, GRID_PATH, today=today,
        now=time(16, 0), reach=REACH, settings=SETTINGS,
    )  # fmt: skip

    assert handover.taken == {(7, f"week-{MONDAY}"): other}


def test_the_colleague_whose_route_today_passes_nearest_takes_it_not_the_one_who_started_nearer() -> None:
    today = WEEK[3]
    homes = {**HOMES, 10: Home(10, 5, 120.110, 30.221)}  # 1.2 km north of the person
    started_near = replace(colleague(), start=(120.110, 30.2135))  # 390 m away; today's route is up north
    passing_by = WorkerFacts(
        3, TravelMode.WALK, (120.110, 30.222), time(8, 30), time(17, 30), 240, ("/1/2/3/6/",)
    )
    kept = [row(10, COLLEAGUE, today, 1), row(8, 3, today, 1)]  # person 8 lives 200 m from person 7
    (due,) = cannot_wait(released_on(today), days_after(today), today, SETTINGS)
    handover = hand_over_today(
        [due],
        [started_near, passing_by],
        kept,
        homes,
        GRID_PATH,
        today=today,
        now=time(7, 30),
        reach=REACH,
        settings=SETTINGS,
    )
    assert handover.taken == {(7, f"week-{MONDAY}"): 3}
