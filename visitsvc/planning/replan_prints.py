"""Re-planning only what changed (docs/adr/0018): a digest per worker of the problem their routes answer.

A re-plan's problem of a worker shrinks every day even when nothing happens: the day just worked leaves it,
and with it the visits made on it. So a version stores, for each worker solved, the digest of their problem
as it will stand after each later working day if the routes are carried out (that day's visits made, every
later one still on its day); the next re-plan builds the worker's problem as usual and compares its digest
with the one stored for the last of those days it has reached. Equal: the worker keeps their routes and
nothing is solved for them.

The digest covers what the solver is given and what the routes were solved against: the worker's own
facts, the settings, each shift (day, hours, the minutes left after pins and desk calls), each home visit
(its person's home and preferred time, the working days of its window, the day it is on, the appointment
that fixes it), each desk call and its day: a new or cancelled appointment re-plans its worker. A visit with
no day to keep (a miss, a not-at-home, a newcomer, a visit released or handed over) is never in a stored
digest, so its worker is always solved again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import routing
from visitsvc.planning.policy import Owed
from visitsvc.planning.replan_problems import WorkerReplan
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerMonth, visit_id

Prints = dict[str, str]  # the last day worked (ISO) -> the digest of the problem left after it


def expected_prints(
    month: WorkerMonth,
    plan: routing.Plan,
    homes: Mapping[int, Home],
    settings: PlanningSettings,
    cuts: Sequence[date],
) -> Prints | None:
    """The worker's problem after each of `cuts` if `plan` is carried out; None when the next re-plan must
    solve them whatever happens (a visit of theirs could not be placed)."""
    own_dropped = any(d.visit_id not in month.offered for d in plan.dropped)
    if own_dropped or month.no_day:
        return None
    placed = {s.visit_id: route.day for route in plan.routes for s in route.stops}
    digest = _digests(month, homes, settings, placed)
    return {cut.isoformat(): digest(cut) for cut in cuts}


def still_current(
    problem: WorkerReplan,
    stored: Prints | None,
    homes: Mapping[int, Home],
    settings: PlanningSettings,
    today: date,
) -> bool:
    """Is the worker's problem today the one their current routes were solved for, but for the days since?"""
    if not stored:
        return False
    reached = [cut for cut in stored if cut <= today.isoformat()]  # ISO days sort as days
    stay = problem.stay
    month = problem.month
    if not reached or stay is None or month.no_day or month.offered or month.agreed_away:
        return False  # (an appointment on a day off: a colleague may take it, so they are asked each run)
    if any(v.id not in stay for v in month.problem.visits):
        return False  # a visit to place anew
    return stored[max(reached)] == _digests(month, homes, settings, stay)(date.min)


def _digests(
    month: WorkerMonth,
    homes: Mapping[int, Home],
    settings: PlanningSettings,
    placed: Mapping[str, date],
) -> Callable[[date], str]:
    """The digest of the worker's problem left after a given day (`cut`). What does not depend on the cut is
    read once: a version stores one digest per working day left for each of up to 1,000 workers."""
    owed = month.owed_by_visit

    def window(o: Owed) -> list[tuple[date, str]]:
        return [(d, d.isoformat()) for d in month.days if o.earliest <= d <= o.latest]

    def home(o: Owed) -> tuple[object, ...]:
        h = homes[o.elder_id]
        return (h.grid_id, h.lon, h.lat, str(h.preferred))

    def agreed(vid: str) -> tuple[str, str, str] | None:
        a = month.agreed.get(vid)
        return None if a is None else (a.day.isoformat(), a.start.isoformat(), a.end.isoformat())

    # Visit ids are unique within a problem, so the order by id is the order of the whole entries.
    visits = sorted(
        ((v.id, home(owed[v.id]), window(owed[v.id]), placed[v.id], agreed(v.id))
         for v in month.problem.visits if v.id in placed),
        key=lambda entry: entry[0],
    )  # fmt: skip
    calls = sorted(((visit_id(o), d, window(o)) for o, d in month.phone), key=lambda c: (c[0], c[1]))
    shifts = [(s.day, (s.day.isoformat(), s.start, s.end, s.capacity)) for s in month.problem.shifts]
    worker, chosen = repr(month.worker), repr(settings)

    def digest(cut: date) -> str:
        def after(days: list[tuple[date, str]]) -> list[str]:
            return [iso for d, iso in days if d > cut]

        content = [
            worker,
            chosen,
            [
                (vid, where, after(days), day.isoformat(), fixed)
                for vid, where, days, day, fixed in visits
                if day > cut
            ],
            [(vid, day.isoformat(), after(days)) for vid, day, days in calls if day > cut],
            [shift for day, shift in shifts if day > cut],
        ]
        return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()[:32]

    return digest
