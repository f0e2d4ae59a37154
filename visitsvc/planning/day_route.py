"""One worker's day rebuilt as a routing problem, re-sequenced and proved: what a manual move is checked by.

Pure: plain values in (the worker, the day's stops, the homes), an order out, or `DayRefused` naming what
breaks the day (the solver's drop reason, or a violation `routing.check` found).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

import routing
from visitsvc.model.enums import VisitKind
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerFacts, WorkerMonth, build, visit_id

# A worker's day is small: a solution limit answers quickly, and the same way for the same input.
OPTIONS = routing.Options(time_limit=None, solution_limit=50)

_DROPPED = {
    routing.DropReason.CAPACITY: ("over_capacity", "当日工时不足"),
    routing.DropReason.TIME_WINDOW: ("outside_working_hours", "在工作时间（或老人偏好时段）内无法完成"),
    routing.DropReason.NO_ALLOWED_DAY: ("not_allowed_day", "该日不可安排"),
}


@dataclass(frozen=True, slots=True)
class DayStop:
    key: int  # the planned visit's id
    elder_id: int
    kind: VisitKind
    rule: str
    obligation: str


@dataclass(frozen=True, slots=True)
class Placed:
    key: int
    seq: int
    arrival: time | None  # None: a phone visit, after the route


class DayRefused(Exception):
    def __init__(self, code: str, message: str, keys: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.code, self.message, self.keys = code, message, keys


def resequence(
    worker: WorkerFacts, day: date, stops: list[DayStop], homes: dict[int, Home], settings: PlanningSettings
) -> tuple[list[Placed], float]:
    """The day's stops in route order with arrival times, then its phone visits; and the solver's seconds."""
    phones = sum(1 for s in stops if s.kind is VisitKind.PHONE)
    if phones * settings.phone_minutes > worker.minutes_per_day:
        raise DayRefused("over_capacity", f"{day} 的电话探访超出当日工时")
    month, stop_of = day_problem(worker, day, stops, homes, settings)
    plan = routing.solve(month.problem, OPTIONS)
    for dropped in plan.dropped:
        code, why = _DROPPED[dropped.reason]
        lost = stop_of[dropped.visit_id]
        raise DayRefused(code, f"{day}：{why}（老人 {lost.elder_id}）", (lost.key,))
    violations = routing.check(month.problem, plan)
    if violations:
        details = "; ".join(f"{v.kind.value}: {v.detail}" for v in violations)
        raise DayRefused("route_check_failed", f"{day}：调整后的路线未通过校验（{details}）")
    placed: list[Placed] = []
    route = plan.route(str(worker.id), day)
    for seq, stop in enumerate(route.stops if route else (), start=1):
        placed.append(Placed(stop_of[stop.visit_id].key, seq, _clock(stop.arrival)))
    for o, _ in month.phone:
        placed.append(Placed(stop_of[visit_id(o)].key, len(placed) + 1, None))
    return placed, plan.stats.wall_time


def day_problem(
    worker: WorkerFacts,
    day: date,
    stops: Sequence[DayStop],
    homes: dict[int, Home],
    settings: PlanningSettings,
    offered: Sequence[Owed] = (),
) -> tuple[WorkerMonth, dict[str, DayStop]]:
    """The day's stops, and any visits `offered` on top, as the worker's problem of that one day; each stop
    under its visit id, in the order given."""
    # A key per stop keeps visit ids unique even if one owed visit appeared twice on a day.
    owed = [Owed(s.elder_id, s.kind, day, day, _rule(s.rule), f"{s.obligation}@{s.key}") for s in stops]
    month = build(worker, owed, homes, [day], settings, offered=offered)
    return month, {visit_id(o): s for o, s in zip(owed, stops, strict=True)}


def _rule(value: str) -> Rule:
    try:
        return Rule(value)
    except ValueError:
        return Rule.MONTHLY_HOME


def _clock(seconds: int) -> time:
    return time(min(seconds // 3600, 23), seconds % 3600 // 60)
