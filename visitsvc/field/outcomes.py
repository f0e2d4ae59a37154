"""What an outcome sets in motion: follow-ups for supervisors, status-change proposals, advice for the phone.

Pure: the service stores what this decides. The register itself never changes here; a supervisor confirms a
proposal (README, "Who sees what"). Re-planning after `not_home` is the planner's (it reads the outcome).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from visitsvc.field.visit_input import VisitInput
from visitsvc.model.enums import ElderStatus, VisitKind
from visitsvc.model.visit import VisitOutcome

NOT_HOME_HIGH_RISK = "not_home_high_risk"
NOT_FOUND_LAST_CHANCE = "not_found_last_chance"  # nobody home on the last day, and the call not answered
NOT_FOUND_LAST_CHANCE_NOTE = "最后一次上门未遇且电话未接通，请立即联系紧急联系人"
# Marks the server writes into a record's findings (beside the four areas): what the advice and the rules
# of a later call are derived from, so a retried record is answered as the first time.
LAST_CHANCE_MARK = "last_chance"
ANSWERED_BY = "answered_by"

PROPOSED_STATUS: dict[VisitOutcome, ElderStatus] = {
    VisitOutcome.HOSPITALIZED: ElderStatus.HOSPITALIZED,
    VisitOutcome.DECEASED: ElderStatus.DECEASED,
    VisitOutcome.MOVED_OUT: ElderStatus.MOVED_OUT,
}


class Advice(StrEnum):
    """What the phone should offer next."""

    PHONE_SAME_DAY = "phone_same_day"  # a high-risk person not at home: call them today
    PHONE_FALLBACK = "phone_fallback"  # refused at the door: a phone visit may still be accepted
    CALL_NOW = "call_now"  # nobody home on the last day the visit allows: call at once (上门未遇，电话探访)


@dataclass(frozen=True, slots=True)
class FollowUpSpec:
    kind: str  # concern:<area> | urgent:<area> | requested[:<kind>] | not_home_high_risk
    note: str | None
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class Consequences:
    follow_ups: tuple[FollowUpSpec, ...]  # urgent ones first
    proposed_status: ElderStatus | None
    advice: tuple[Advice, ...]


@dataclass(frozen=True, slots=True)
class DoorstepContext:
    """What the day has shown of the person so far, for the rules of a call after an empty doorstep."""

    last_chance: bool = False  # this is a home visit on the last working day its window allows
    after_empty_doorstep: bool = False  # a call following a last-chance home visit that found nobody today


NO_CONTEXT = DoorstepContext()


def check_answered_by(visit: VisitInput, context: DoorstepContext) -> dict[str, list[str]]:
    """Field errors: who answered is told for a call that settles a visit after an empty doorstep, and only
    for a call that reached someone."""
    reached = visit.kind is VisitKind.PHONE and visit.outcome is VisitOutcome.VISITED
    if visit.answered_by is not None and not reached:
        return {ANSWERED_BY: ["仅在电话探访接通时填写"]}
    if visit.answered_by is None and reached and context.after_empty_doorstep:
        return {ANSWERED_BY: ["上门未遇后的电话探访须注明接听人：本人（self）或家属（family）"]}
    return {}


def consequences(
    visit: VisitInput, *, high_risk: bool, context: DoorstepContext = NO_CONTEXT
) -> Consequences:
    follow_ups: list[FollowUpSpec] = []
    for area, finding in sorted(visit.findings.items()):
        if finding.needs_follow_up:
            prefix = "urgent" if finding.urgent else "concern"
            follow_ups.append(FollowUpSpec(f"{prefix}:{area.value}", finding.note, urgent=finding.urgent))
    if visit.follow_up is not None and visit.follow_up.needed:
        kind = f"requested:{visit.follow_up.kind}" if visit.follow_up.kind else "requested"
        follow_ups.append(FollowUpSpec(kind, visit.follow_up.note))
    if _not_home_at_high_risk(visit.outcome, visit.kind, high_risk):
        follow_ups.append(FollowUpSpec(NOT_HOME_HIGH_RISK, None))
    if (
        context.after_empty_doorstep
        and visit.kind is VisitKind.PHONE
        and visit.outcome is VisitOutcome.UNREACHABLE
    ):
        # Missing from home on the last day and not answering: a safety matter, today.
        follow_ups.append(FollowUpSpec(NOT_FOUND_LAST_CHANCE, NOT_FOUND_LAST_CHANCE_NOTE, urgent=True))
    follow_ups.sort(key=lambda f: not f.urgent)  # stable: the order above within each group
    last_chance = marks_last_chance(visit, context)
    advice = advice_for(visit.outcome, visit.kind, (f.kind for f in follow_ups), last_chance=last_chance)
    return Consequences(tuple(follow_ups), PROPOSED_STATUS.get(visit.outcome), advice)


def marks_last_chance(visit: VisitInput, context: DoorstepContext) -> bool:
    """The record is marked when nobody was home at a last-chance home visit: a call is due at once."""
    return context.last_chance and visit.kind is VisitKind.HOME and visit.outcome is VisitOutcome.NOT_HOME


def advice_for(
    outcome: VisitOutcome, kind: VisitKind, follow_up_kinds: Iterable[str], *, last_chance: bool = False
) -> tuple[Advice, ...]:
    """Derived from what is stored (follow-ups, the record's last-chance mark), so a retried record is
    answered with the same advice as the first time."""
    advice = []
    if last_chance and outcome is VisitOutcome.NOT_HOME and kind is VisitKind.HOME:
        advice.append(Advice.CALL_NOW)
    if NOT_HOME_HIGH_RISK in set(follow_up_kinds):
        advice.append(Advice.PHONE_SAME_DAY)
    if outcome is VisitOutcome.REFUSED and kind is VisitKind.HOME:
        advice.append(Advice.PHONE_FALLBACK)
    return tuple(advice)


def _not_home_at_high_risk(outcome: VisitOutcome, kind: VisitKind, high_risk: bool) -> bool:
    return outcome is VisitOutcome.NOT_HOME and kind is VisitKind.HOME and high_risk
