"""Mixed teams (issue 19, docs/adr/0029): which owed visits a pairing (结对帮扶) gives to a visitor, and which
come back to the grid's worker, and why.

Pure: the month's pairings, visitors and contracts' quota left as values in; per visitor the visits they
make, and the visits handed back with their cause. The grid's worker stays responsible for every person: a
visit a visitor cannot make is theirs again, planned as one of their own (then offered to colleagues by the
existing overflow). Visitors never take anyone's overflow.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

import routing
from visitsvc.planning.policy import Owed
from visitsvc.planning.route_problems import Home, WorkerFacts, WorkerMonth, visit_id


class HandBack(StrEnum):
    """Why a paired person's visit came back to the grid's worker."""

    VISITOR_CAPACITY = "visitor_capacity"  # the visitor's days are full (每日工时), or no time fits
    VISITOR_ABSENT = "visitor_absent"  # away on every day of the window they would work
    VISITOR_NO_DAY = "visitor_no_day"  # no working day of theirs in the window (weekdays, pairing period)
    QUOTA = "quota"  # the contract's monthly quota is spent (delivered and planned)
    NO_VISITOR = "no_visitor"  # the visitor left, or the organisation has no active visitor


@dataclass(frozen=True, slots=True)
class Visitor:
    facts: WorkerFacts
    organisation_id: int | None
    days: tuple[date, ...]  # the days planned they work: their weekdays, else the calendar's working days
    away: frozenset[date] = frozenset()  # of `days`, those an absence covers


@dataclass(frozen=True, slots=True)
class PairingTerm:
    """A pairing in force on a day of the month, as the planner reads it."""

    id: int
    elder_id: int
    visitor_id: int | None
    organisation_id: int | None
    contract_id: int | None
    first_day: date
    last_day: date | None

    def overlaps(self, first: date, last: date) -> bool:
        return self.first_day <= last and (self.last_day is None or first <= self.last_day)


@dataclass(frozen=True, slots=True)
class Partners:
    """What a month's plan reads of mixed teams; empty where nobody is paired."""

    visitors: Mapping[int, Visitor] = field(default_factory=dict)  # the active visitors, by id
    pairings: tuple[PairingTerm, ...] = ()  # oldest first
    quota_left: Mapping[int, int] = field(default_factory=dict)  # contract -> visits it may still pay

    def __bool__(self) -> bool:
        return bool(self.pairings)

    def from_day(self, first: date) -> Partners:
        """The visitors' days from `first` on: the days a run plans (a re-plan's after its `today`)."""
        visitors = {
            i: replace(
                v,
                days=tuple(d for d in v.days if d >= first),
                away=frozenset(d for d in v.away if d >= first),
            )
            for i, v in self.visitors.items()
        }
        return replace(self, visitors=visitors)


@dataclass(frozen=True, slots=True)
class Returned:
    """A visit handed back to the grid's worker: the obligation as owed, why, and by whom."""

    owed: Owed
    cause: HandBack
    visitor_id: int | None


@dataclass
class Routed:
    by_visitor: dict[int, list[Owed]] = field(default_factory=lambda: defaultdict(list))  # in the pairing
    handed_back: list[Returned] = field(default_factory=list)
    whole: dict[str, Owed] = field(default_factory=dict)  # visit id -> a visitor's obligation as owed


def route_paired(
    owed: Sequence[Owed], partners: Partners, homes: Mapping[int, Home]
) -> tuple[list[Owed], Routed]:
    """Split the owed visits into those that stay with the grid's worker (people not paired on any day of a
    visit's window; in the order given) and those of visitors. A visitor's visit keeps to the pairing's days
    (its window is cut to them); the quota is taken in order of windows, so the earliest visits are the
    contract's."""
    if not partners:
        return list(owed), Routed()
    newest_first: dict[int, list[PairingTerm]] = defaultdict(list)
    for p in partners.pairings:
        newest_first[p.elder_id].insert(0, p)
    chosen = _organisation_picks(partners, homes)
    quota = dict(partners.quota_left)
    routed = Routed()
    decided: set[str] = set()
    for o in sorted(owed, key=lambda o: (o.earliest, o.elder_id, o.key)):
        pairing = next(
            (p for p in newest_first.get(o.elder_id, ()) if p.overlaps(o.earliest, o.latest)), None
        )
        if pairing is None:
            continue
        decided.add(visit_id(o))
        visitor_id = pairing.visitor_id or chosen.get((pairing.organisation_id, o.elder_id))
        visitor = partners.visitors.get(visitor_id) if visitor_id is not None else None
        if visitor is None:
            routed.handed_back.append(Returned(o, HandBack.NO_VISITOR, visitor_id))
            continue
        first = max(o.earliest, pairing.first_day)
        last = o.latest if pairing.last_day is None else min(o.latest, pairing.last_day)
        window = [d for d in visitor.days if first <= d <= last]
        cause = None
        if not window:
            cause = HandBack.VISITOR_NO_DAY
        elif all(d in visitor.away for d in window):
            cause = HandBack.VISITOR_ABSENT
        elif pairing.contract_id is not None and quota.get(pairing.contract_id, 0) <= 0:
            cause = HandBack.QUOTA
        if cause is not None:
            routed.handed_back.append(Returned(o, cause, visitor.facts.id))
            continue
        if pairing.contract_id is not None:
            quota[pairing.contract_id] -= 1
        routed.by_visitor[visitor.facts.id].append(replace(o, earliest=first, latest=last))
        routed.whole[visit_id(o)] = o
    return [o for o in owed if visit_id(o) not in decided], routed


def after_solve(month: WorkerMonth, plan: routing.Plan, whole: Mapping[str, Owed]) -> list[Returned]:
    """What a visitor's solved month could not place, handed back: a call with no day left, a home visit
    dropped (no day of theirs: `visitor_no_day`; else their days are full: `visitor_capacity`)."""
    visitor = month.worker.id
    back = [Returned(whole[visit_id(o)], HandBack.VISITOR_NO_DAY, visitor) for o in month.no_day]
    for d in plan.dropped:
        cause = (
            HandBack.VISITOR_NO_DAY
            if d.reason is routing.DropReason.NO_ALLOWED_DAY
            else HandBack.VISITOR_CAPACITY
        )
        back.append(Returned(whole[d.visit_id], cause, visitor))
    return back


def _organisation_picks(partners: Partners, homes: Mapping[int, Home]) -> dict[tuple[int | None, int], int]:
    """(organisation, person) -> the visitor of the organisation who makes the person's visits when the
    pairing names none: the one whose start is nearest the home among those with fewer than an even share
    of the organisation's people (people in id order; a tie or no start: the lowest id)."""
    staff: dict[int, list[Visitor]] = defaultdict(list)
    for v in sorted(partners.visitors.values(), key=lambda v: v.facts.id):
        if v.organisation_id is not None:
            staff[v.organisation_id].append(v)
    people: dict[int, set[int]] = defaultdict(set)
    for p in partners.pairings:
        if p.visitor_id is None and p.organisation_id is not None:
            people[p.organisation_id].add(p.elder_id)
    picks: dict[tuple[int | None, int], int] = {}
    for organisation, elders in people.items():
        visitors = staff.get(organisation, [])
        if not visitors:
            continue
        share = math.ceil(len(elders) / len(visitors))
        load: dict[int, int] = defaultdict(int)
        for elder in sorted(elders):
            home = homes.get(elder)
            free = [v for v in visitors if load[v.facts.id] < share]
            best = min(free, key=lambda v: (_distance(v.facts.start, home), v.facts.id))
            picks[(organisation, elder)] = best.facts.id
            load[best.facts.id] += 1
    return picks


def _distance(start: tuple[float, float] | None, home: Home | None) -> float:
    """Degrees on a local flat map: enough to rank a few visitors' starts for one home."""
    if start is None or home is None or home.lon is None or home.lat is None:
        return math.inf
    dx = (start[0] - home.lon) * math.cos(math.radians(home.lat))
    return math.hypot(dx, start[1] - home.lat)


def days_of(
    weekdays: frozenset[int] | None, month_days: Sequence[date], workdays: Sequence[date]
) -> tuple[date, ...]:
    """A visitor's days of those planned: the days with an ISO weekday of theirs, else the working days."""
    if weekdays is None:
        return tuple(workdays)
    return tuple(d for d in month_days if d.isoweekday() in weekdays)


def handed_back_summary(returned: Sequence[Returned]) -> dict[str, Any]:
    """What a plan version records of hand-backs (in its summary, absent when none): counts by cause, and per
    visit (`elder:obligation`) its cause and visitor, which the plan's rows, diff and shortfall show."""
    if not returned:
        return {}
    counts = Counter(r.cause.value for r in returned)
    return {
        "handed_back": dict(sorted(counts.items())),
        "handed_back_visits": {
            visit_id(r.owed): {"cause": r.cause.value, "visitor_id": r.visitor_id} for r in returned
        },
    }
