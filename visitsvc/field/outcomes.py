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

PROPOSED_STATUS: dict[VisitOutcome, ElderStatus] = {
    VisitOutcome.HOSPITALIZED: ElderStatus.HOSPITALIZED,
    VisitOutcome.DECEASED: ElderStatus.DECEASED,
    VisitOutcome.MOVED_OUT: ElderStatus.MOVED_OUT,
}


class Advice(StrEnum):
    """What the phone should offer next."""

    PHONE_SAME_DAY = "phone_same_day"  # a high-risk person not at home: call them today
    PHONE_FALLBACK = "phone_fallback"  # refused at the door: a phone visit may still be accepted


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


def consequences(visit: VisitInput, *, high_risk: bool) -> Consequences:
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
    follow_ups.sort(key=lambda f: not f.urgent)  # stable: the order above within each group
    advice = advice_for(visit.outcome, visit.kind, (f.kind for f in follow_ups))
    return Consequences(tuple(follow_ups), PROPOSED_STATUS.get(visit.outcome), advice)


def advice_for(outcome: VisitOutcome, kind: VisitKind, follow_up_kinds: Iterable[str]) -> tuple[Advice, ...]:
    """Derived from what is stored, so a retried record is answered with the same advice as the first time."""
    advice = []
    if NOT_HOME_HIGH_RISK in set(follow_up_kinds):
        advice.append(Advice.PHONE_SAME_DAY)
    if outcome is VisitOutcome.REFUSED and kind is VisitKind.HOME:
        advice.append(Advice.PHONE_FALLBACK)
    return tuple(advice)


def _not_home_at_high_risk(outcome: VisitOutcome, kind: VisitKind, high_risk: bool) -> bool:
    return outcome is VisitOutcome.NOT_HOME and kind is VisitKind.HOME and high_risk
