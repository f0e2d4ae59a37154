"""Coverage of a month, defined once: who is coverable, who is covered, and why anyone is not.

Pure functions over plain facts (the policy's obligations, plan entries, recorded attempts), so the API, the
simulation, the nightly at-risk evaluation and the report all count the same way (README, "Coverage").

- **Coverable**: owed at least one visit in the month (`policy.obligations`), unless excluded for a documented
  reason: refused all contact, never active on a working day, registered too late for the 5-day rule, or
  left active (death, moving out, withdrawal, a hospital stay lasting to month end) before the first date on
  which their owed visit was planned. An obligation whose planned date passed without a visit before the
  person left stays owed: a late event never wipes out an earlier miss. The same holds per obligation: a
  weekly visit whose week the person left (in hospital from its planned day to the week's end) is not owed,
  as nothing is owed while in hospital. A planned date is a day the plan in force on it had the visit on
  (`first_planned`), not a day an earlier version had it on before a re-plan moved it.
- **Covered**: every remaining obligation is settled by a counted `visited` outcome of the owed kind inside
  its window. A phone call settles an owed home visit only when the plan itself turned that visit into a phone
  visit, or as the fallback after the home visit was refused at the door (on that day or after it, in the
  window), or as the call after an empty doorstep (上门未遇，电话探访): on the last working day the visit's
  window allows (`Owed.latest`: a weekly visit's last working day of its week, a monthly one's of the month,
  a newcomer's or back-from-hospital visit's deadline) a home visit of it (or of the person, against no
  planned visit) found nobody, and a call later that same day reached the person or their family. A call on
  an earlier day never settles a home visit: the door can still be knocked on. A home visit always settles
  an owed phone visit.
- **Home visits** (`Tally.home_*`): the home visits owed to coverable people, those settled at the door, and
  those settled by a call after an empty doorstep; the rest were settled by a call after a refusal or as the
  plan's phone visit, or are not settled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from visitsvc.kernel.month import Month
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model.enums import ElderStatus, VisitKind
from visitsvc.model.visit import VisitOutcome
from visitsvc.planning.policy import (
    ElderFacts,
    NotCoverable,
    Owed,
    PolicyRules,
    Rule,
    active_days,
    obligations,
)

ONE_DAY = timedelta(days=1)
DEFAULT_RULES = PolicyRules()


class Missing(StrEnum):
    """Why a coverable person is not (yet) covered. The planner's reasons come first: they are known on
    planning day."""

    CAPACITY = "capacity"
    NO_WORKING_DAY = "no_working_day"
    UNREACHABLE_WINDOW = "unreachable_window"
    NO_WORKER = "no_worker"
    NOT_HOME = "not_home"  # attempted, nobody at home
    REFUSED = "refused"  # refused at the door, and no phone fallback succeeded
    UNREACHABLE = "unreachable"  # phone visits nobody answered
    MISSED = "missed"  # a planned date passed with no outcome recorded
    PENDING = "pending"  # planned for a day still to come
    NOT_PLANNED = "not_planned"  # owed and in no plan (e.g. registered since the last plan)


class SettledBy(StrEnum):
    """How an obligation was settled: the figures count home visits made at home apart from calls."""

    AT_HOME = "at_home"  # a home visit found the person
    BY_CALL_AFTER_EMPTY_DOORSTEP = "by_call_after_empty_doorstep"  # 上门未遇，电话探访
    BY_CALL_AFTER_REFUSAL = "by_call_after_refusal"  # refused at the door, then a call got through
    BY_PHONE = "by_phone"  # a phone visit owed (or the plan's phone visit in place of a home visit)


class AtRisk(StrEnum):
    NO_SLOT_LEFT = "no_slot_left"
    TOO_FEW_DAYS = "too_few_days"


@dataclass(frozen=True, slots=True)
class Slot:
    """A planned visit of the month's current plan version."""

    obligation: str
    day: date
    kind: VisitKind
    substituted: bool = False  # the plan turned an owed home visit into a phone visit


@dataclass(frozen=True, slots=True)
class Attempt:
    """A recorded outcome that counts (not voided, not in quarantine)."""

    day: date
    kind: VisitKind
    outcome: VisitOutcome
    obligation: str | None = None  # of the planned visit it was recorded against


@dataclass(frozen=True, slots=True)
class ElderMonth:
    """Everything known of one person's month."""

    facts: ElderFacts
    slots: tuple[Slot, ...] = ()  # the current plan version's
    first_planned: dict[str, date] = field(default_factory=dict)  # obligation -> first day planned on
    unplanned: dict[str, str] = field(default_factory=dict)  # obligation -> the planner's reason
    attempts: tuple[Attempt, ...] = ()


@dataclass(frozen=True, slots=True)
class Miss:
    """The first unsettled visit of a person not covered, with what explains it (the simulation's report)."""

    obligation: Owed
    tries: tuple[Attempt, ...]  # at it: inside its settling window, against it or against no planned visit
    allowed_days: tuple[
        date, ...
    ]  # working days the person was active, from its first planned date to its last
    left_on: date | None  # in hospital, dead, moved out or withdrawn from this day to the window's end


@dataclass(frozen=True, slots=True)
class ElderCoverage:
    elder_id: int
    not_coverable: NotCoverable | None
    owed: tuple[Owed, ...]
    settled: frozenset[str]  # obligation keys
    missing: Missing | None  # None: covered (or not coverable)
    at_risk: AtRisk | None
    next_planned: date | None
    attempts: tuple[Attempt, ...]
    high_risk_reasons: tuple[str, ...]
    settled_by: dict[str, SettledBy] = field(default_factory=dict)  # obligation key -> how
    miss: Miss | None = None  # not covered: the visit `missing` is about

    @property
    def coverable(self) -> bool:
        return self.not_coverable is None

    @property
    def covered(self) -> bool:
        return self.coverable and self.missing is None

    @property
    def unsettled(self) -> tuple[Owed, ...]:
        return tuple(o for o in self.owed if o.key not in self.settled)


def evaluate(
    elder: ElderMonth,
    month: Month,
    calendar: WorkCalendar,
    *,
    today: date,
    plan_made_on: date | None,
    rules: PolicyRules = DEFAULT_RULES,
) -> ElderCoverage:
    """One person's coverage of `month` as known on `today` (attempts recorded up to now)."""
    result = obligations(elder.facts, month, calendar, plan_made_on=plan_made_on, rules=rules)
    attempts = tuple(sorted(elder.attempts, key=lambda a: a.day))
    if result.not_coverable is not None:
        return ElderCoverage(
            elder.facts.elder_id, result.not_coverable, (), frozenset(), None, None, None, attempts,
            result.high_risk_reasons,
        )  # fmt: skip
    ways = settle_ways(result.owed, elder.slots, attempts, month)
    settled = frozenset(ways)
    owed = _still_owed(result.owed, settled, elder, month, calendar, today)
    if not owed:
        return ElderCoverage(
            elder.facts.elder_id, NotCoverable.LEFT_BEFORE_PLANNED, (), frozenset(), None, None, None,
            attempts, result.high_risk_reasons,
        )  # fmt: skip
    unsettled = [o for o in owed if o.key not in settled]
    future = [s for s in elder.slots if s.day >= today and s.obligation in {o.key for o in unsettled}]
    next_planned = min((s.day for s in future), default=None)
    missing = _why_missing(unsettled[0], elder, attempts, month, today) if unsettled else None
    at_risk = _at_risk(unsettled, future, calendar, month, today) if unsettled else None
    miss = _miss(unsettled[0], elder, attempts, month, calendar) if unsettled else None
    return ElderCoverage(
        elder.facts.elder_id, None, tuple(owed), settled, missing, at_risk, next_planned, attempts,
        result.high_risk_reasons, ways, miss,
    )  # fmt: skip


def settle(
    owed: Sequence[Owed], slots: Iterable[Slot], attempts: Sequence[Attempt], month: Month
) -> frozenset[str]:
    """The obligations settled by `visited` attempts (`settle_ways`)."""
    return frozenset(settle_ways(owed, slots, attempts, month))


def settle_ways(
    owed: Sequence[Owed], slots: Iterable[Slot], attempts: Sequence[Attempt], month: Month
) -> dict[str, SettledBy]:
    """Match `visited` attempts to obligations, each attempt settling at most one, earliest deadline first;
    each settled obligation with how. `attempts` are in the order they happened (same-day order counts)."""
    substituted = {s.obligation for s in slots if s.substituted}
    used: set[int] = set()
    settled: dict[str, SettledBy] = {}
    for item in sorted(owed, key=lambda o: (o.latest, o.earliest)):
        first, last = settling_window(item, month)
        for index, attempt in enumerate(attempts):
            if index in used or attempt.outcome is not VisitOutcome.VISITED:
                continue
            if not first <= attempt.day <= last:
                continue
            way = _way(item, index, attempts, first, item.key in substituted)
            if way is None:
                continue
            used.add(index)
            settled[item.key] = way
            break
    return settled


def _way(
    item: Owed, index: int, attempts: Sequence[Attempt], first: date, substituted: bool
) -> SettledBy | None:
    """How `attempts[index]`, a `visited` inside the window, settles `item`; None: it cannot."""
    attempt = attempts[index]
    if item.kind is not VisitKind.HOME or substituted:
        return SettledBy.BY_PHONE
    if attempt.kind is VisitKind.HOME:
        return SettledBy.AT_HOME
    if _refused_before(item, attempt, attempts, first):
        return SettledBy.BY_CALL_AFTER_REFUSAL
    if _empty_doorstep_before(item, index, attempts):
        return SettledBy.BY_CALL_AFTER_EMPTY_DOORSTEP
    return None


def _refused_before(item: Owed, call: Attempt, attempts: Sequence[Attempt], first: date) -> bool:
    """The phone fallback: a home visit refused at the door, then a call that got through, settles it."""
    return any(
        a.kind is VisitKind.HOME
        and a.outcome is VisitOutcome.REFUSED
        and a.obligation in (item.key, None)
        and first <= a.day <= call.day
        for a in attempts
    )


def _empty_doorstep_before(item: Owed, index: int, attempts: Sequence[Attempt]) -> bool:
    """上门未遇，电话探访: the call is made on the last working day the window allows, after a home visit of
    this obligation (or of the person, against no planned visit) found nobody that same day."""
    call = attempts[index]
    return call.day == item.latest and any(
        a.kind is VisitKind.HOME
        and a.outcome is VisitOutcome.NOT_HOME
        and a.obligation in (item.key, None)
        and a.day == call.day
        for a in attempts[:index]
    )


def settling_window(item: Owed, month: Month) -> tuple[date, date]:
    """The days on which a visit settles an obligation: a weekly visit inside its Monday-to-Sunday weeks; any
    other from the first day it is owed to the end of the month (late is better than never)."""
    if item.rule is Rule.WEEKLY_HIGH_RISK:
        monday = item.earliest - timedelta(days=item.earliest.weekday())
        sunday = item.latest + timedelta(days=6 - item.latest.weekday())
        return max(monday, month.first), min(sunday, month.last)
    start = month.first if item.rule in (Rule.MONTHLY_HOME, Rule.MONTHLY_PHONE) else item.earliest
    return start, month.last


def _still_owed(
    owed: tuple[Owed, ...],
    settled: frozenset[str],
    elder: ElderMonth,
    month: Month,
    calendar: WorkCalendar,
    today: date,
) -> list[Owed]:
    """Drop what the person's leaving excuses: an unsettled obligation whose window they left, for good or
    for the rest of the window (while in hospital nothing is owed), on or before its first planned date."""
    if all(status is ElderStatus.ACTIVE for _, status in elder.facts.statuses):
        return list(owed)  # never left: nothing to excuse (most people, in every coverage read)
    kept = []
    for item in owed:
        if item.key not in settled and _excused(item, elder, month, calendar, today):
            continue
        kept.append(item)
    return kept


def _excused(item: Owed, elder: ElderMonth, month: Month, calendar: WorkCalendar, today: date) -> bool:
    left_on = _left_window_on(item, elder.facts, month, calendar)
    planned = elder.first_planned.get(item.key)
    return left_on is not None and left_on <= today and (planned is None or planned >= left_on)


def _left_window_on(item: Owed, facts: ElderFacts, month: Month, calendar: WorkCalendar) -> date | None:
    """The day the person stopped being active, if they still were not on the last working day of the
    obligation's window (a stay lasting to month end ends a monthly visit's window; one ending on the
    Sunday after a weekly visit's week ends that week's). Home again only on days nobody works (back on a
    Sunday, moved out on Monday) is not back: they left on the first day."""
    first, last = settling_window(item, month)
    workdays = calendar.workdays_between(first, last)
    if not workdays:
        return None
    changes = [(d, s) for d, s in facts.statuses if d <= workdays[-1]]
    left = None
    ends = [d for d, _ in changes[1:]] + [workdays[-1] + ONE_DAY]
    for (since, status), until in zip(changes, ends, strict=True):
        if status is not ElderStatus.ACTIVE:
            left = left or since
        elif calendar.any_workday(since, until - ONE_DAY):
            left = None
    return max(left, month.first) if left is not None else None


_FAILED = {
    VisitOutcome.NOT_HOME: Missing.NOT_HOME,
    VisitOutcome.REFUSED: Missing.REFUSED,
    VisitOutcome.UNREACHABLE: Missing.UNREACHABLE,
}


def _why_missing(
    item: Owed, elder: ElderMonth, attempts: Sequence[Attempt], month: Month, today: date
) -> Missing:
    if item.key in elder.unplanned:
        reason = elder.unplanned[item.key]
        return Missing(reason) if reason in Missing._value2member_map_ else Missing.CAPACITY
    first, last = settling_window(item, month)
    # The last failed try at this visit explains it: not a call of another week, nor the hospital stay that
    # began after the try.
    failed = [
        _FAILED[a.outcome]
        for a in attempts
        if a.outcome in _FAILED and a.obligation in (item.key, None) and first <= a.day <= last
    ]
    if failed:
        return failed[-1]
    slots = [s for s in elder.slots if s.obligation == item.key]
    if not slots:
        return Missing.NOT_PLANNED
    if any(s.day >= today for s in slots):
        return Missing.PENDING
    return Missing.MISSED


def _miss(
    item: Owed, elder: ElderMonth, attempts: Sequence[Attempt], month: Month, calendar: WorkCalendar
) -> Miss:
    first, last = settling_window(item, month)
    tries = tuple(a for a in attempts if a.obligation in (item.key, None) and first <= a.day <= last)
    planned = elder.first_planned.get(item.key)
    days = active_days(elder.facts, calendar.workdays_between(planned, item.latest)) if planned else []
    return Miss(item, tries, tuple(days), _left_window_on(item, elder.facts, month, calendar))


def _at_risk(
    unsettled: list[Owed], future: list[Slot], calendar: WorkCalendar, month: Month, today: date
) -> AtRisk | None:
    """Not covered, and either no planned slot left for an owed visit, or fewer working days left than the
    visits still owed need (one per working day at most)."""
    days_left = len(calendar.workdays_between(today, month.last))
    if days_left < len(unsettled):
        return AtRisk.TOO_FEW_DAYS
    planned = {s.obligation for s in future}
    if any(o.key not in planned for o in unsettled):
        return AtRisk.NO_SLOT_LEFT
    return None


@dataclass(frozen=True, slots=True)
class Tally:
    coverable: int = 0
    covered: int = 0
    at_risk: int = 0
    not_covered_by_reason: dict[str, int] = field(default_factory=dict)
    not_coverable_by_reason: dict[str, int] = field(default_factory=dict)
    home_owed: int = 0  # home visits owed to coverable people
    home_at_home: int = 0  # of them, settled by a home visit that found the person
    home_by_call: int = 0  # of them, settled by a call after an empty doorstep on the window's last day

    @property
    def coverage_pct(self) -> float:
        return round(100.0 * self.covered / self.coverable, 2) if self.coverable else 100.0

    def home_visits(self) -> dict[str, int]:
        """The figures as the API, the report and the simulation name them."""
        return {
            "owed": self.home_owed,
            "at_home": self.home_at_home,
            "by_call_after_empty_doorstep": self.home_by_call,
        }


def tally(results: Iterable[ElderCoverage]) -> Tally:
    coverable = covered = at_risk = 0
    home = Counter[str]()
    missing: dict[str, int] = {}
    excluded: dict[str, int] = {}
    for item in results:
        if item.not_coverable is not None:
            excluded[item.not_coverable.value] = excluded.get(item.not_coverable.value, 0) + 1
            continue
        coverable += 1
        for owed in item.owed:
            if owed.kind is VisitKind.HOME:
                home["owed"] += 1
                home[item.settled_by.get(owed.key, "")] += 1
        if item.covered:
            covered += 1
        elif item.missing is not None:
            missing[item.missing.value] = missing.get(item.missing.value, 0) + 1
        at_risk += item.at_risk is not None
    return Tally(
        coverable, covered, at_risk, dict(sorted(missing.items())), dict(sorted(excluded.items())),
        home["owed"], home[SettledBy.AT_HOME], home[SettledBy.BY_CALL_AFTER_EMPTY_DOORSTEP],
    )  # fmt: skip
