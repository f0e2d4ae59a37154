"""A worker's stored digests (docs/adr/0018) are compared with digests computed by later code: the digest of a
problem must not change with how it is computed, or every worker of a month would be solved again once."""

from __future__ import annotations

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

# The digests as the code before this one computed them (main at 98e4d3d), for the same problem and routes.
STORED = {
    "2026-12-11": "0fec2497bbc1c94170023233818f013d",
    "2026-12-14": "a8174a3b87a448283e72478e20fa51bf",
    "2026-12-15": "26446ec972b72e9c04ee90103b5cb258",
    "2026-12-16": "9c53f840a609e8567d9bd8e3df864b1f",
    "2026-12-17": "b51cdc37723db8e06687b261f2f81ed3",
    "2026-12-18": "c602d8c088f187347983410f07e069fd",
}


def test_the_digests_of_a_workers_problem_after_each_day_are_the_ones_stored_by_earlier_versions() -> None:
    assert expected_prints(MONTH, PLAN, HOMES, SETTINGS, CUTS) == STORED


def test_each_day_worked_changes_the_digest_until_nothing_is_left() -> None:
    prints = list(expected_prints(MONTH, PLAN, HOMES, SETTINGS, CUTS).values())
    assert len(set(prints)) == len(prints)
