"""An independent proof that a plan obeys its problem; deliberately written without OR-Tools.

It verifies the arrival times the plan states rather than recomputing a schedule, so a plan is accepted if and
only if a worker could follow it: every inequality is checked against the matrix, service times and windows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from routing.plan import DropReason, Plan, Route
from routing.problem import Problem, Shift, ShiftKey, Visit


class ViolationKind(StrEnum):
    UNKNOWN_VISIT = "unknown_visit"
    UNKNOWN_SHIFT = "unknown_shift"
    DUPLICATE = "duplicate"  # a visit routed twice, or routed and dropped
    MISSING = "missing"  # a visit neither routed nor dropped
    NOT_ALLOWED = "not_allowed"  # wrong day or wrong worker
    WINDOW = "window"  # starts outside its window
    TIMING = "timing"  # arrival earlier than travel and service allow
    SHIFT_EXCEEDED = "shift_exceeded"  # back home after the shift ends
    CAPACITY = "capacity"  # load above the shift's capacity
    WRONG_REASON = "wrong_reason"  # dropped as no_allowed_day though an allowed shift exists
    OBJECTIVE = "objective"  # stated travel differs from the routes' travel


@dataclass(frozen=True, slots=True)
class Violation:
    kind: ViolationKind
    detail: str
    visit_id: str | None = None
    shift: ShiftKey | None = None


def check(problem: Problem, plan: Plan) -> list[Violation]:
    """Every way `plan` breaks `problem`; an empty list means the plan is feasible."""
    visits = {v.id: v for v in problem.visits}
    shifts = {s.key: s for s in problem.shifts}
    found = _check_accounting(problem, plan, visits)
    travel = 0
    seen_shifts: set[ShiftKey] = set()
    for route in plan.routes:
        key = (route.worker_id, route.day)
        shift = shifts.get(key)
        if shift is None or key in seen_shifts:
            found.append(
                Violation(ViolationKind.UNKNOWN_SHIFT, "no such shift, or two routes for it", shift=key)
            )
            continue
        seen_shifts.add(key)
        route_violations, route_travel = _check_route(problem, shift, route, visits)
        found += route_violations
        travel += route_travel
    if travel != plan.objective.travel:
        found.append(
            Violation(ViolationKind.OBJECTIVE, f"routes travel {travel}, plan says {plan.objective.travel}")
        )
    return found


def _check_accounting(problem: Problem, plan: Plan, visits: dict[str, Visit]) -> list[Violation]:
    found: list[Violation] = []
    placed = Counter(s.visit_id for r in plan.routes for s in r.stops)
    placed.update(d.visit_id for d in plan.dropped)
    for visit_id, count in placed.items():
        if visit_id not in visits:
            found.append(Violation(ViolationKind.UNKNOWN_VISIT, "not in the problem", visit_id))
        elif count > 1:
            found.append(Violation(ViolationKind.DUPLICATE, f"placed {count} times", visit_id))
    found += [
        Violation(ViolationKind.MISSING, "neither routed nor dropped", v.id)
        for v in problem.visits
        if v.id not in placed
    ]
    for dropped in plan.dropped:
        visit = visits.get(dropped.visit_id)
        if (
            visit is not None
            and dropped.reason is DropReason.NO_ALLOWED_DAY
            and any(visit.allows(s) for s in problem.shifts)
        ):
            found.append(Violation(ViolationKind.WRONG_REASON, "has an allowed shift", visit.id))
    return found


def _check_route(
    problem: Problem, shift: Shift, route: Route, visits: dict[str, Visit]
) -> tuple[list[Violation], int]:
    found: list[Violation] = []
    matrix = problem.matrix(shift.mode)
    key = shift.key
    here, ready, travel, load = shift.location, shift.start, 0, 0
    for stop in route.stops:
        visit = visits.get(stop.visit_id)
        if visit is None:
            continue  # reported by the accounting
        leg = matrix(here, visit.location)
        travel += leg
        if stop.arrival < ready + leg:
            found.append(
                Violation(
                    ViolationKind.TIMING, f"arrives {stop.arrival}, earliest {ready + leg}", visit.id, key
                )
            )
        if not visit.allows(shift):
            found.append(Violation(ViolationKind.NOT_ALLOWED, "day or worker not allowed", visit.id, key))
        if visit.window is not None and not visit.window.start <= stop.arrival <= visit.window.end:
            found.append(
                Violation(
                    ViolationKind.WINDOW, f"starts {stop.arrival}, window {visit.window}", visit.id, key
                )
            )
        load += visit.load
        # Carry on from the stated arrival so one error is reported once, not at every later stop.
        here, ready = visit.location, max(stop.arrival, ready + leg) + visit.service
    leg = matrix(here, shift.location)
    travel += leg
    if route.end < ready + leg:
        found.append(
            Violation(ViolationKind.TIMING, f"home at {route.end}, earliest {ready + leg}", shift=key)
        )
    if max(route.end, ready + leg) > shift.end:
        found.append(
            Violation(ViolationKind.SHIFT_EXCEEDED, f"home at {route.end}, shift ends {shift.end}", shift=key)
        )
    if shift.capacity is not None and load > shift.capacity:
        found.append(Violation(ViolationKind.CAPACITY, f"load {load} > {shift.capacity}", shift=key))
    return found, travel
