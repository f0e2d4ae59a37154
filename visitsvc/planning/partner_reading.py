"""What a month's plan reads of mixed teams (docs/adr/0029): the pairings in force for the area's people, the
visitors they route to with their days and absences, and how many visits each contract may still pay.

Called inside the planning run's one read transaction; returns values only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import VisitOutcome
from visitsvc.planning.month_facts import worker_facts
from visitsvc.planning.pairings import PairingTerm, Partners, Visitor, days_of

PAID = frozenset({VisitOutcome.VISITED})
PAID_NOT_FOUND = frozenset({VisitOutcome.VISITED, VisitOutcome.NOT_HOME, VisitOutcome.UNREACHABLE})


def read_partners(
    uow: UnitOfWork, month: Month, elder_ids: Sequence[int], workdays: Sequence[date]
) -> Partners:
    """`workdays`: the calendar's working days of the month. The visitors' days are the whole month's: each
    run keeps those it plans (`Partners.from_day`)."""
    pairings = [
        PairingTerm(p.id, p.elder_id, p.visitor_id, p.organisation_id, p.contract_id, p.first_day, p.last_day)
        for p in uow.pairings.overlapping(month.first, month.last, elder_ids)
    ]
    if not pairings:
        return Partners()
    organisations = {p.organisation_id for p in pairings if p.organisation_id is not None}
    workers = uow.pairings.visitors({p.visitor_id for p in pairings if p.visitor_id}, organisations)
    away = uow.absences.overlapping([w.id for w in workers], month.first, month.last)
    visitors = {}
    for worker in workers:
        days = days_of(worker.weekdays, month.days(), workdays)
        absent = frozenset(
            d for a in away if a.worker_id == worker.id for d in days if a.first_day <= d <= a.last_day
        )
        visitors[worker.id] = Visitor(
            worker_facts(worker, visitor=True), worker.organisation_id, days, absent
        )
    return Partners(visitors, tuple(pairings), _quota_left(uow, month, pairings))


def _quota_left(uow: UnitOfWork, month: Month, pairings: list[PairingTerm]) -> dict[int, int]:
    """Per contract of the pairings: its monthly quota less the visits delivered under it this month so far
    (by its organisation's staff, to its paired people on a day of their pairing)."""
    contracts = {c: uow.contracts.get(c) for c in sorted({p.contract_id for p in pairings if p.contract_id})}
    if not contracts:
        return {}
    staff = uow.pairings.staff_of({c.organisation_id for c in contracts.values()})
    people = sorted({p.elder_id for p in pairings if p.contract_id})
    records = [
        r for r in uow.visits.of_elders_since(people, month.first) if r.month == str(month) and r.counts
    ]
    left = {}
    for contract_id, contract in contracts.items():
        paid = PAID_NOT_FOUND if contract.pays_not_found else PAID
        terms = [p for p in pairings if p.contract_id == contract_id]
        delivered = sum(
            1
            for r in records
            if r.outcome in paid
            and staff.get(r.worker_id) == contract.organisation_id
            and any(p.elder_id == r.elder_id and p.overlaps(r.day, r.day) for p in terms)
        )
        in_force = contract.first_day <= month.last and month.first <= contract.last_day
        left[contract_id] = max(contract.monthly_quota - delivered, 0) if in_force else 0
    return left
