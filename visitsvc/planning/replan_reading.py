"""A re-plan's one short read (docs/adr/0009): the month as `month_reader` gives it, the current version's
rows, each person's coverage today, and the decision of what is kept and what is planned again.

Everything is read inside one transaction and returned as one frozen `ReplanRead`, which the solve and the
write that follow only read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Any

from visitsvc.access.scoping import Caller
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import Invalid, NotFound
from visitsvc.kernel.month import Month
from visitsvc.model import Role, VisitKind, VisitOutcome
from visitsvc.planning.coverage import Attempt, Slot
from visitsvc.planning.month_coverage import Evidence, attempts_of, evaluate_people, first_planned_of
from visitsvc.planning.month_facts import worker_facts
from visitsvc.planning.month_reader import MonthInputs, read_month
from visitsvc.planning.overflow import parent_path
from visitsvc.planning.pairings import route_paired
from visitsvc.planning.plan_rows import MissingRow, PlanRow, missing_rows, read_plan_rows
from visitsvc.planning.policy import Owed, PolicyRules, active_days
from visitsvc.planning.remedies import NO_REMEDIES, Remedies, touches
from visitsvc.planning.replan_decisions import Decision, decide
from visitsvc.planning.route_problems import WorkerFacts

Days = list[date]


@dataclass(frozen=True, slots=True)
class ReplanRead:
    month: Month
    today: date
    now: time  # the time of day of the run (a same-day run may hand visits over today)
    worker_id: int | None  # the one worker asked for, if any
    area_path: str
    latest_id: int
    latest_fingerprint: str
    latest_summary: dict[str, Any]
    latest_prints: dict[str, dict[str, str]]  # per worker id: their problem's digest by day (docs/adr/0018)
    calendar_warning: str | None
    future: Days  # the month's working days after today
    register: MonthInputs
    outside: list[PlanRow]  # rows of people outside the area: carried
    previous: list[PlanRow]  # the area's rows of the current version
    previous_unplanned: list[MissingRow]
    decision: Decision  # as decided before anything is handed over today
    chosen: list[tuple[WorkerFacts, Days]]  # the re-planned workers and their days at work after today
    colleagues: list[tuple[WorkerFacts, Days]]  # who may take over, and their days
    crew: list[WorkerFacts]  # at work today, when today's visits were released on the day
    seen_at_home: frozenset[int] = frozenset()  # visited at home this month: their first home visit is behind
    remedies: Remedies = NO_REMEDIES  # applied to the month on planning day (issue 20): kept by re-plans


def read_replan(
    uow: UnitOfWork,
    caller: Caller,
    today: date,
    worker_id: int | None,
    area_code: str | None,
    rules: PolicyRules,
) -> ReplanRead:
    month = Month.of(today)
    with uow:
        latest = uow.plans.latest(month)
        if latest is None:
            raise NotFound("该月尚无计划，请先生成月度计划")
        target = _target(uow, caller, worker_id)
        area_path = _area_path(uow, caller, area_code, target)
        remedies = Remedies.of(
            (r.kind, r.area_path, r.params)
            for r in uow.remedies.of_month(month)
            if touches(r.area_path, area_path)
        )
        register = remedies.applied(read_month(uow, area_path, month, rules))
        if target is not None:
            (target,) = remedies.workers([target])
        calendar = register.calendar
        future = [d for d in calendar.workdays(month) if d > today]
        rows = read_plan_rows(uow, latest.id)
        unplanned = missing_rows(uow.plans.unplanned(latest.id))
        inside = set(register.elders)
        previous = [r for r in rows if r.elder_id in inside]
        ids = list(register.elders)
        attempts = attempts_of(uow, month, ids)
        slots: dict[int, list[Slot]] = defaultdict(list)
        for row in previous:
            slots[row.elder_id].append(Slot(row.obligation, row.day, row.kind, row.substituted))
        # The plan's reasons for what it could not place play no part in what is still owed.
        evidence = Evidence(slots, {}, first_planned_of(uow, month, ids), attempts)
        people = evaluate_people(
            register.facts, evidence, month, calendar, today=today, plan_made_on=register.plan_made_on,
            rules=register.rules,
        )  # fmt: skip
        away = register.away([today, *future])
        # A whole area's re-plan solves its visitors like its workers, on their own days (docs/adr/0029).
        register = replace(register, partners=register.partners.from_day(today + timedelta(days=1)))
        visitors = [] if target else sorted(register.partners.visitors.values(), key=lambda v: v.facts.id)
        visitor_days = {v.facts.id: [d for d in v.days if d > today and d not in v.away] for v in visitors}
        chosen = [target] if target else list(register.workers)
        chosen_ids = {w.id for w in chosen}
        now = uow.clock.now().astimezone(SHANGHAI)
        # The street's colleagues may take what the chosen cannot (overflow goes no further than the street).
        streets = tuple({parent_path(path, 2) for w in chosen for path in w.grid_paths})
        helpers = [
            w
            for w in register.workers
            if w.id not in chosen_ids and any(p.startswith(streets) for p in w.grid_paths)
        ]
        decision = decide(
            previous,
            ((people[e], register.grid_worker.get(register.grid_of[e][0])) for e in register.elders),
            attempts,
            month=month,
            today=today,
            future=future,
            active={e: frozenset(active_days(register.facts[e], future)) for e in register.elders},
            replanned=frozenset(w.id for w in [*chosen, *helpers, *(v.facts for v in visitors)]),
            absent_today=frozenset(w for w, days in away.items() if today in days),
        )
        if register.partners and not target:
            decision = paired_again(decision, register, _quota_pending(register, previous, attempts, today))

        def at_work(worker: WorkerFacts) -> Days:
            return [d for d in future if d not in away.get(worker.id, ())]

        same_day = bool(decision.released) and now.date() == today  # colleagues may still help today
        return ReplanRead(
            month=month,
            today=today,
            now=now.time(),
            worker_id=worker_id,
            area_path=area_path,
            latest_id=latest.id,
            latest_fingerprint=latest.fingerprint,
            latest_summary=dict(latest.summary),
            latest_prints=dict(latest.worker_fingerprints or {}),
            calendar_warning=calendar.warning(),
            future=future,
            register=register,
            outside=[r for r in rows if r.elder_id not in inside],
            previous=previous,
            previous_unplanned=unplanned,
            decision=decision,
            chosen=[(w, at_work(w)) for w in chosen]
            + [(v.facts, visitor_days[v.facts.id]) for v in visitors],
            colleagues=[(w, at_work(w)) for w in helpers],
            crew=[w for w in [*chosen, *helpers] if today not in away.get(w.id, ())] if same_day else [],
            seen_at_home=frozenset(
                e
                for e, tries in attempts.items()
                if any(a.kind is VisitKind.HOME and a.outcome is VisitOutcome.VISITED for a in tries)
            ),
            remedies=remedies,
        )


def paired_again(decision: Decision, register: MonthInputs, taken: dict[int, int]) -> Decision:
    """The decision with what is planned again split by the pairings in force, as the month's plan splits it:
    a paired person's visits to their visitor, what the visitor cannot make (absent, no day, the quota spent
    by delivered and still pending visits: `taken` per contract) to the grid's worker."""
    partners = register.partners
    quota = {c: left - taken.get(c, 0) for c, left in partners.quota_left.items()}
    holder = {(o.elder_id, o.key): owner for owner, items in decision.owed.items() for o in items}
    items = [o for items in decision.owed.values() for o in items]
    own, routed = route_paired(items, replace(partners, quota_left=quota), register.homes)
    owed: defaultdict[int, list[Owed]] = defaultdict(list)
    owner = dict(decision.owner)
    for o in own:
        keeper = holder[(o.elder_id, o.key)]
        if keeper in partners.visitors:  # a pairing ended: the grid's worker again
            keeper = register.grid_worker.get(register.grid_of[o.elder_id][0], keeper)
        owed[keeper].append(o)
        owner[(o.elder_id, o.key)] = keeper
    for r in routed.handed_back:
        grid_worker = register.grid_worker.get(register.grid_of[r.owed.elder_id][0])
        if grid_worker is None:
            decision.no_day[None].append(r.owed)
        else:
            owed[grid_worker].append(r.owed)
        owner[(r.owed.elder_id, r.owed.key)] = grid_worker
    for visitor, items in routed.by_visitor.items():
        owed[visitor] += items
        owner.update({(o.elder_id, o.key): visitor for o in items})
    return replace(decision, owed=owed, owner=owner)


def _quota_pending(
    register: MonthInputs, previous: list[PlanRow], attempts: dict[int, list[Attempt]], today: date
) -> dict[int, int]:
    """Per contract, its visits kept from today on by a visitor (today's, not yet recorded): they will count
    against its quota when delivered, like the visits delivered already."""
    contract_of = {p.elder_id: p.contract_id for p in register.partners.pairings if p.contract_id}
    pending: Counter[int] = Counter()
    for row in previous:
        tried = any(a.day == today for a in attempts.get(row.elder_id, ()))
        visitors = register.partners.visitors
        if row.day == today and row.worker_id in visitors and row.elder_id in contract_of and not tried:
            pending[contract_of[row.elder_id]] += 1
    return dict(pending)


def _target(uow: UnitOfWork, caller: Caller, worker_id: int | None) -> WorkerFacts | None:
    if worker_id is None:
        return None
    worker = uow.workers.get(caller.scope, worker_id)  # NotFound outside the caller's area
    if worker.role is not Role.GRID_WORKER or not worker.active:
        raise Invalid("输入有误", errors={"worker": ["须为在岗的网格员"]})
    return worker_facts(worker)


def _area_path(uow: UnitOfWork, caller: Caller, area_code: str | None, target: WorkerFacts | None) -> str:
    if area_code:
        return uow.areas.scope_within(caller.scope, area_code).home_path
    if target is not None:
        # One worker's re-plan reads their street only: that is as far as their visits may go.
        streets = {parent_path(path, 2) for path in target.grid_paths}
        if len(streets) == 1 and caller.scope.covers(next(iter(streets))):
            return streets.pop()
    return caller.scope.home_path
