"""A worker's stored digests (docs/adr/0018) are compared with digests computed by later code: the digest of a
problem must not change with how it is computed, or every worker of a month would be solved again once."""

from __future__ import annotations

import hashlib
import json
from datetime import date, time

import routing
from visitsvc.model import TravelMode, VisitKind
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.replan_prints import expected_prints
from visitsvc.planning.route_problems import Agreed, Home, PlanningSettings, WorkerFacts, build, visit_id

WORKER = WorkerFacts(1, TravelMode.WALK, (120.1, 30.2), time(8, 30), time(17, 30), 240, ("/1/2/",))
HOMES = {
    7: Home(7, 1, 120.11, 30.21, (time(9), time(11))),
    8: Home(8, 1, 120.12, 30.22),
    9: Home(9, 1, None, None),
}
WEEK = [date(2026, 12, d) for d in (14, 15, 16, 17, 18)]
OWED = [
    Owed(7, VisitKind.HOME, WEEK[0], WEEK[-1], Rule.WEEKLY_HIGH_RISK, "week:2026-12-14"),
    Owed(8, VisitKind.HOME, WEEK[1], WEEK[3], Rule.MONTHLY_HOME, "month"),
    Owed(9, VisitKind.PHONE, WEEK[0], WEEK[-1], Rule.MONTHLY_PHONE, "month"),
]
SETTINGS = PlanningSettings()
MONTH = build(WORKER, OWED, HOMES, WEEK, SETTINGS, agreed={8: Agreed(5, WEEK[2], time(14), time(15))})
PLAN = routing.Plan(
    (
        routing.Route("1", WEEK[1], (routing.Stop(visit_id(OWED[0]), 0),), 0),
        routing.Route("1", WEEK[2], (routing.Stop(visit_id(OWED[1]), 0),), 0),
    ),
    (),
    routing.Objective(0, 0, 0),
    routing.Stats(0.0, None, routing.Status.FEASIBLE),
)
CUTS = [date(2026, 12, 11), *WEEK]  # the Friday before, then each day of the week


def reference_digest(cut: date) -> str:
    """The digest as ADR 0018's first implementation computed it, day by day from the whole problem: what
    versions already store, so what any faster computation must give."""
    owed, placed = MONTH.owed_by_visit, {s.visit_id: r.day for r in PLAN.routes for s in r.stops}
    days = [d for d in MONTH.days if d > cut]

    def window(o: Owed) -> list[str]:
        return [d.isoformat() for d in days if o.earliest <= d <= o.latest]

    def home(o: Owed) -> tuple[object, ...]:
        h = HOMES[o.elder_id]
        return (h.grid_id, h.lon, h.lat, str(h.preferred))

    def agreed(vid: str) -> tuple[str, str, str] | None:
        a = MONTH.agreed.get(vid)
        return None if a is None else (a.day.isoformat(), a.start.isoformat(), a.end.isoformat())

    visits = sorted(
        (v.id, home(owed[v.id]), window(owed[v.id]), placed[v.id].isoformat(), agreed(v.id))
        for v in MONTH.problem.visits
        if v.id in placed and placed[v.id] > cut
    )
    calls = sorted((visit_id(o), d.isoformat(), window(o)) for o, d in MONTH.phone if d > cut)
    shifts = [(s.day.isoformat(), s.start, s.end, s.capacity) for s in MONTH.problem.shifts if s.day > cut]
    content = [repr(MONTH.worker), repr(SETTINGS), visits, calls, shifts]
    return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()[:32]


def test_the_digests_of_a_workers_problem_after_each_day_are_the_ones_stored_by_earlier_versions() -> None:
    assert MONTH.agreed  # the case has an appointment
    assert MONTH.phone  # and a desk call
    expected = {cut.isoformat(): reference_digest(cut) for cut in CUTS}
    assert expected_prints(MONTH, PLAN, HOMES, SETTINGS, CUTS) == expected


def test_each_day_worked_changes_the_digest_until_nothing_is_left() -> None:
    prints = list(expected_prints(MONTH, PLAN, HOMES, SETTINGS, CUTS).values())
    assert len(set(prints)) == len(prints)
