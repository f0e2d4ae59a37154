"""The morning's at-risk evaluation: who will not be covered this month unless someone acts.

Counted by `month_coverage`, as the coverage table and the missed list count (their live `at_risk` flag is
the same verdict); the marks keep what each morning's evaluation said, replacing the previous one's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from visitsvc.access.scoping import Caller, require_register_writer
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import AtRiskMark
from visitsvc.planning.month_coverage import month_coverage
from visitsvc.planning.policy import PolicyRules

DEFAULT_RULES = PolicyRules()


@dataclass(frozen=True, slots=True)
class AtRiskSummary:
    month: str
    evaluated_on: date
    coverable: int
    covered: int
    at_risk: int
    by_reason: dict[str, int] = field(default_factory=dict)  # no_slot_left | too_few_days

    def as_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "evaluated_on": self.evaluated_on.isoformat(),
            "coverable": self.coverable,
            "covered": self.covered,
            "at_risk": self.at_risk,
            "by_reason": self.by_reason,
        }


def evaluate_at_risk(
    uow: UnitOfWork, *, caller: Caller, today: date, rules: PolicyRules = DEFAULT_RULES
) -> AtRiskSummary:
    """Mark everyone of the caller's area not yet covered this month and either with no planned visit left
    or with fewer working days left than visits owed; earlier marks of these people for the month go."""
    require_register_writer(caller)
    month = Month.of(today)
    coverage = month_coverage(uow, caller, month, today=today, rules=rules)
    marks = [
        AtRiskMark(month=str(month), elder_id=p.elder_id, reason=p.result.at_risk.value, evaluated_on=today)
        for p in coverage.people
        if p.result.at_risk is not None
    ]
    with uow:
        uow.months.replace_marks(month, [p.elder_id for p in coverage.people], marks)
        uow.commit()
    tally = coverage.tally()
    return AtRiskSummary(
        str(month),
        today,
        tally.coverable,
        tally.covered,
        len(marks),
        dict(sorted(Counter(m.reason for m in marks).items())),
    )
