"""Remedies for a month whose people do not fit (issue 20), as values a planning run applies to its inputs.

Pure. A run combines the remedies stored for its month and area (`PlanRemedy` rows) with any a dry run tries,
and applies them in two places only: the policy rules per area (a: the reach, b: calls when short) and the
workers' daily minutes (c). Visitors from outside (d) are a figure only until the partners issue (19)
assigns them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from visitsvc.planning.policy import PeopleRules, PolicyRules
from visitsvc.planning.route_problems import WorkerFacts

if TYPE_CHECKING:
    from visitsvc.planning.month_reader import MonthInputs

REACH, CALLS, HOURS, OUTSIDE = "reach", "calls", "hours", "outside"
KINDS = (REACH, CALLS, HOURS, OUTSIDE)
APPLICABLE = frozenset({REACH, CALLS, HOURS})

# An hour one way rather than half an hour (docs/adr/0024): an e-bike's 15 km, where a county's villages lie
# beyond each other's half hour.
WIDER_REACH_MINUTES = 60


def _calls_when_short(rules: PolicyRules) -> PolicyRules:
    return replace(rules, weekly_home_to_calls_when_short=True)


# (b) The area policy's option (docs/adr/0026) turned on for the month by a remedy. None: not offered.
CALLS_WHEN_SHORT: Callable[[PolicyRules], PolicyRules] | None = _calls_when_short


def widened(rules: PolicyRules) -> PolicyRules:
    """(a) An area's rules with a longer reach for colleagues taking overflow: the one place saying how long
    (an area whose policy already reaches further keeps its own)."""
    return replace(rules, reach_minutes=max(rules.reach_minutes, WIDER_REACH_MINUTES))


def calls_available() -> bool:
    return CALLS_WHEN_SHORT is not None


@dataclass(frozen=True, slots=True)
class Remedies:
    reach: bool = False
    calls_in: tuple[str, ...] = ()  # area paths whose people's weekly home visits may become calls
    extra_minutes: tuple[tuple[int, int], ...] = ()  # (worker id, extra visiting minutes a working day)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> Remedies:
        """From stored (kind, area path, params) rows, oldest first: a later `hours` row of a worker wins."""
        reach, calls, extra = False, set(), {}
        for kind, path, params in rows:
            if kind == REACH:
                reach = True
            elif kind == CALLS:
                calls.add(path)
            elif kind == HOURS:
                extra.update({int(w): int(m) for w, m in params.get("extra_minutes_per_day", {}).items()})
        return cls(reach, tuple(sorted(calls)), tuple(sorted(extra.items())))

    def combined(self, other: Remedies) -> Remedies:
        extra = dict(self.extra_minutes) | dict(other.extra_minutes)
        return Remedies(
            self.reach or other.reach,
            tuple(sorted(set(self.calls_in) | set(other.calls_in))),
            tuple(sorted(extra.items())),
        )

    def __bool__(self) -> bool:
        return self.reach or bool(self.calls_in) or bool(self.extra_minutes)

    def workers(self, workers: Sequence[WorkerFacts]) -> tuple[WorkerFacts, ...]:
        extra = dict(self.extra_minutes)
        return tuple(
            replace(w, minutes_per_day=w.minutes_per_day + extra[w.id]) if w.id in extra else w
            for w in workers
        )

    def rules_for(self, rules: PolicyRules, grid_path: str) -> PolicyRules:
        """The rules for a person of the grid at `grid_path`: a wider reach everywhere the run plans, calls
        where chosen."""
        if self.reach:
            rules = widened(rules)
        if CALLS_WHEN_SHORT is not None and any(grid_path.startswith(p) for p in self.calls_in):
            rules = CALLS_WHEN_SHORT(rules)
        return rules

    def applied(self, read: MonthInputs) -> MonthInputs:
        """A month as read with the remedies: its workers' minutes raised, its grids' rules reaching further
        and, in areas given calls, switched (what is owed and what capacity may turn into a call both follow
        them)."""
        if not self:
            return read
        workers = self.workers(read.workers)
        if not self.reach and (CALLS_WHEN_SHORT is None or not self.calls_in):
            return replace(read, workers=workers)
        grid_rules = {path: self.rules_for(rules, path) for path, rules in read.grid_rules.items()}
        of_person = {e: grid_rules[read.grid_path[read.grid_of[e][0]]] for e in read.elders}
        rules = PeopleRules(read.rules.default, of_person)
        return replace(read, workers=workers, rules=rules, grid_rules=grid_rules)

    def as_print(self) -> dict[str, object]:
        """What a plan's fingerprint records of them."""
        return {"reach": self.reach, "calls_in": list(self.calls_in), "extra": list(self.extra_minutes)}


NO_REMEDIES = Remedies()


def touches(remedy_path: str, area_path: str) -> bool:
    """A remedy of one area counts in a run of another when either lies within the other."""
    return remedy_path.startswith(area_path) or area_path.startswith(remedy_path)
