"""A re-plan's routing problems, built from its decision as values: one `WorkerReplan` per worker, rebuilt
(never changed) when visits are handed over today, when a worker's days are loosened, or when colleagues are
offered what others could not fit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import routing
from visitsvc.planning.plan_rows import PlanRow
from visitsvc.planning.plan_versions import reserved_minutes, solve_short_again
from visitsvc.planning.policy import Owed
from visitsvc.planning.policy_settings import differing
from visitsvc.planning.replan_decisions import Decision, handed_over, warm_plan
from visitsvc.planning.replan_reading import ReplanRead
from visitsvc.planning.route_problems import (
    Agreed,
    Home,
    PlanningSettings,
    WorkerFacts,
    WorkerMonth,
    build,
    fingerprint,
    visit_id,
)
from visitsvc.planning.today_handover import Handover, cannot_wait, hand_over_today
from visitsvc.planning.visit_ids import VisitId


@dataclass(frozen=True, slots=True)
class WorkerReplan:
    """One worker's problem, what it was built with, and their current routes as its warm start."""

    month: WorkerMonth
    warm: routing.Plan
    reserved: dict[date, int]  # minutes of a day taken by pinned rows kept outside the problem
    stay: dict[str, date] | None  # visit -> its current day; None once the worker's days are loosened
    soon: frozenset[str]  # visits with no day kept: placed as early as they can be

    def rebuilt(
        self, homes: dict[int, Home], settings: PlanningSettings, offered: Sequence[Owed] = ()
    ) -> WorkerMonth:
        """The same worker, visits and days, with other settings or with `offered` visits on top."""
        month = self.month
        return build(
            month.worker, list(month.owed), homes, list(month.days), settings, offered=offered,
            reserved=self.reserved, stay=self.stay, soon=self.soon, agreed=month.appointments,
        )  # fmt: skip

    def loosened(self) -> WorkerReplan:
        """Every day of each window open again: planned visits no longer keep their days."""
        return replace(self, stay=None)


def worker_replans(
    decision: Decision,
    workers: Sequence[tuple[WorkerFacts, list[date]]],
    homes: dict[int, Home],
    settings: PlanningSettings,
    agreed: Mapping[int, Agreed] | None = None,
) -> list[WorkerReplan]:
    """Each worker's problem (at work on the given days) from the decision, and their current routes as its
    warm start; `agreed`: the appointments by person, which pin their visits (docs/adr/0019). The decision's
    rows are sorted by worker once, not looked through once per worker (a city: 1,000 workers, 75,000 rows).
    """
    pinned: dict[int, list[PlanRow]] = defaultdict(list)
    current: dict[int, list[PlanRow]] = defaultdict(list)
    for row in decision.kept:
        if row.pinned:
            pinned[row.worker_id].append(row)
    for row in decision.dropped:
        current[row.worker_id].append(row)
    return [
        _worker_replan(decision, worker, days, homes, settings, agreed, pinned[worker.id], current[worker.id])
        for worker, days in workers
    ]


def _worker_replan(
    decision: Decision,
    worker: WorkerFacts,
    days: list[date],
    homes: dict[int, Home],
    settings: PlanningSettings,
    agreed: Mapping[int, Agreed] | None,
    pinned: list[PlanRow],
    current: list[PlanRow],
) -> WorkerReplan:
    """`pinned`: the worker's kept pinned rows; `current`: their dropped rows (their routes after today)."""
    pins = [r for r in pinned if r.day in days]
    reserved = reserved_minutes(pins, settings)
    stay = {str(VisitId.of_row(r)): r.day for r in current}
    owed = decision.owed.get(worker.id, [])
    # Tried and not found, its day given up (a sick day) or newly owed: placed as early as it can be.
    soon = frozenset(visit_id(o) for o in owed) - stay.keys()
    month = build(worker, owed, homes, days, settings, reserved=reserved, stay=stay, soon=soon, agreed=agreed)
    return WorkerReplan(month, warm_plan(month, current), reserved, stay, soon)


def hand_over_today_of(
    read: ReplanRead, problems: list[WorkerReplan], settings: PlanningSettings
) -> tuple[Handover, Decision, list[WorkerReplan]]:
    """Released visits that cannot wait for their worker's later days go to colleagues today: what they
    took, the decision without it, and the problems of its workers built again without it."""
    decision = read.decision
    if not read.crew:
        return Handover(), decision, problems
    register = read.register
    # A person promised a visit today at a time (an appointment) is seen today by a colleague at that time
    # where one can: the agreed window stands in for their preferred hours (docs/adr/0019).
    agreed_today = {e: a for e, a in register.agreed.items() if a.day == read.today}
    homes = {
        **register.homes,
        **{e: replace(register.homes[e], preferred=(a.start, a.end)) for e, a in agreed_today.items()},
    }
    days_of = {p.month.worker.id: p.month.days for p in problems}
    waiting = cannot_wait(decision, days_of, read.today, settings, agreed_today=agreed_today.keys())
    crew_ids = {w.id for w in read.crew}
    kept_today = [r for r in decision.kept if r.day == read.today and r.worker_id in crew_ids]
    handover = hand_over_today(
        waiting, read.crew, kept_today, homes, register.grid_path, today=read.today, now=read.now,
        reach=register.reach(), settings=settings,
    )  # fmt: skip
    if not handover.taken:
        return handover, decision, problems
    decision = handed_over(decision, handover.taken)
    again = [
        j for j, p in enumerate(problems) if any((o.elder_id, o.key) in handover.taken for o in p.month.owed)
    ]
    rebuilt = worker_replans(
        decision, [(problems[j].month.worker, list(problems[j].month.days)) for j in again], register.homes,
        settings, register.agreed,
    )  # fmt: skip
    problems = list(problems)
    for j, problem in zip(again, rebuilt, strict=True):
        problems[j] = problem
    return handover, decision, problems


def loosen(
    problems: list[WorkerReplan],
    plans: list[routing.Plan],
    homes: dict[int, Home],
    settings: PlanningSettings,
    executor: str | Any,
) -> tuple[list[WorkerReplan], list[WorkerMonth], list[routing.Plan]]:
    """Planned visits first keep their days, so that a miss does not reshuffle a worker's month; a worker
    whose month then drops something is solved again with every day of each window open, from that plan."""
    full = replace(settings, retry_day=False)
    problems, months, plans = list(problems), [p.month for p in problems], list(plans)

    def loose(j: int) -> WorkerMonth:
        problems[j] = problems[j].loosened()
        return problems[j].rebuilt(homes, full)

    solve_short_again(months, plans, loose, settings, executor)
    return problems, months, plans


def replan_fingerprint(read: ReplanRead, months: list[WorkerMonth], settings: PlanningSettings) -> str:
    """The inputs of a re-plan as decided before anything is handed over today: the same twice, no version."""
    decision = read.decision
    kept = sorted(
        (r.elder_id, r.obligation, r.worker_id, str(r.day), r.seq, r.kind.value, r.pinned)
        for r in [*decision.kept, *read.outside]
    )
    extra: dict[str, object] = {
        "trigger": "replan",
        "today": str(read.today),
        "area": read.area_path,
        "worker": read.worker_id,
        "calendar": sorted(map(str, read.register.calendar.overrides.items())),
        "settings": repr(settings),
        "kept": kept,
        "no_day": sorted((str(o), visit_id(i)) for o, items in decision.no_day.items() for i in items),
        "colleagues": [
            (w.id, [str(d) for d in days], sorted(map(visit_id, decision.owed.get(w.id, []))))
            for w, days in read.colleagues
        ],
        "crew_today": [w.id for w in read.crew],
    }
    policy = differing(read.register.grid_rules)
    if policy:  # absent when nothing is set, as in a plan's (month_plan._read)
        extra["policy"] = policy
    return fingerprint(months, extra)
