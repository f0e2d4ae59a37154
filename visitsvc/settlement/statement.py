"""A statement, computed from the records and nothing else (docs/adr/0030): pure over rows already read.

Each visit the organisation's staff recorded in the month is either delivered under a contract (paid at its
price for the visit's kind) or excluded with every reason that applies. The quota comes last: of the visits
that would be paid under a contract, the month's first `monthly_quota` by start time are; the rest are
excluded as beyond it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from visitsvc.kernel.month import Month
from visitsvc.model import (
    Contract,
    FlagKind,
    FlagState,
    Pairing,
    RecordState,
    VisitFlag,
    VisitKind,
    VisitorKind,
    VisitOutcome,
    VisitRecord,
)

CENT = Decimal("0.01")
NOT_FOUND = frozenset({VisitOutcome.NOT_HOME, VisitOutcome.UNREACHABLE})
# Flags that put the visit itself in doubt. A poor fix proves nothing either way, and a home not yet
# verified (location_proposed) is the register's doubt, not the visit's: neither is a reason.
DOUBTS = {FlagKind.TOO_FAR: "too_far_open", FlagKind.TOO_SHORT: "too_short_open"}


class Exclusion(StrEnum):
    VOID = "void"
    QUARANTINED = "quarantined"
    REJECTED = "rejected"
    NOT_PAIRED = "not_paired"
    OUTSIDE_PERIOD = "outside_period"
    NO_PRICE = "no_price"
    NOT_FOUND_UNPAID = "not_found_unpaid"
    NOT_DELIVERED = "not_delivered"
    TOO_FAR_OPEN = "too_far_open"
    TOO_SHORT_OPEN = "too_short_open"
    BEYOND_QUOTA = "beyond_quota"

    @property
    def label(self) -> str:
        return EXCLUSION_LABELS[self]


EXCLUSION_LABELS = {
    Exclusion.VOID: "已作废",
    Exclusion.QUARANTINED: "迟报待审核",
    Exclusion.REJECTED: "迟报已驳回",
    Exclusion.NOT_PAIRED: "合同外：未在合同下结对",
    Exclusion.OUTSIDE_PERIOD: "合同外：不在合同期内",
    Exclusion.NO_PRICE: "合同外：该探访方式无单价",
    Exclusion.NOT_FOUND_UNPAID: "未见到老人（合同不付费）",
    Exclusion.NOT_DELIVERED: "探访结果不计费",
    Exclusion.TOO_FAR_OPEN: "距离住址过远，尚未核实",
    Exclusion.TOO_SHORT_OPEN: "在场时间过短，尚未核实",
    Exclusion.BEYOND_QUOTA: "超出月度限额",
}


@dataclass(frozen=True, slots=True)
class FlagRef:
    kind: FlagKind
    state: FlagState


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One visit with its proof; `reasons` empty: delivered and paid at `unit_price`."""

    visit_id: int
    day: date
    started_at: datetime
    elder_id: int
    elder_name: str  # masked
    worker_id: int
    worker_name: str
    visitor_kind: VisitorKind | None
    kind: VisitKind
    outcome: VisitOutcome
    minutes_on_site: int
    distance_m: float | None
    accuracy_m: float | None
    photos: int
    flags: list[FlagRef]
    contract_id: int | None
    contract_code: str | None
    unit_price: Decimal | None
    reasons: list[Exclusion]


@dataclass(frozen=True, slots=True)
class KindTotal:
    kind: VisitKind
    count: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ContractTotal:
    contract_id: int
    code: str
    first_day: date
    last_day: date
    monthly_quota: int
    pays_not_found: bool
    delivered: int
    beyond_quota: int
    by_kind: list[KindTotal]
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    organisation_id: int
    organisation_name: str
    month: str
    recorded: int  # every record of the staff in the month: delivered + excluded
    delivered: list[StatementLine]
    excluded: list[StatementLine]
    contracts: list[ContractTotal]
    delivered_by_kind: dict[VisitKind, int]
    excluded_by_reason: dict[Exclusion, int]  # a visit counts once under each of its reasons
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a statement is computed from, read by the service."""

    organisation_id: int
    organisation_name: str
    month: Month
    records: Sequence[VisitRecord]  # by start time
    contracts: Sequence[Contract]  # the organisation's, all of them
    pairings: Sequence[Pairing]  # of the records' people, in force some day of the month, oldest first
    flags: Mapping[int, list[VisitFlag]]
    photos: Mapping[int, int]
    elder_names: Mapping[int, str]  # masked
    worker_names: Mapping[int, str]
    visitor_kinds: Mapping[int, VisitorKind | None]


def compute(inputs: Inputs) -> Statement:
    contracts = {c.id: c for c in inputs.contracts}
    pairings: dict[int, list[Pairing]] = defaultdict(list)
    for pairing in inputs.pairings:
        if pairing.contract_id in contracts:
            pairings[pairing.elder_id].append(pairing)
    paid_so_far: Counter[int] = Counter()
    lines: list[StatementLine] = []
    for record in inputs.records:
        contract, reasons = _judge(
            record, inputs.flags.get(record.id, []), pairings[record.elder_id], contracts
        )
        if contract is not None and not reasons:
            if paid_so_far[contract.id] >= contract.monthly_quota:
                reasons = [Exclusion.BEYOND_QUOTA]
            else:
                paid_so_far[contract.id] += 1
        lines.append(_line(record, contract, reasons, inputs))
    delivered = [line for line in lines if not line.reasons]
    excluded = [line for line in lines if line.reasons]
    totals = [_contract_total(c, delivered, excluded) for c in inputs.contracts if _meets(c, inputs.month)]
    return Statement(
        organisation_id=inputs.organisation_id,
        organisation_name=inputs.organisation_name,
        month=str(inputs.month),
        recorded=len(lines),
        delivered=delivered,
        excluded=excluded,
        contracts=totals,
        delivered_by_kind=dict(sorted(Counter(line.kind for line in delivered).items())),
        excluded_by_reason=_by_reason(excluded),
        amount=sum((t.amount for t in totals), Decimal("0.00")),
    )


def _judge(
    record: VisitRecord, flags: list[VisitFlag], pairings: list[Pairing], contracts: Mapping[int, Contract]
) -> tuple[Contract | None, list[Exclusion]]:
    """The contract the visit falls under (if any) and every reason, but the quota, not to pay it."""
    reasons: list[Exclusion] = []
    if record.voided_at is not None:
        reasons.append(Exclusion.VOID)
    if record.state is RecordState.QUARANTINED:
        reasons.append(Exclusion.QUARANTINED)
    elif record.state is RecordState.REJECTED:
        reasons.append(Exclusion.REJECTED)
    in_force = [
        contracts[p.contract_id] for p in pairings if p.contract_id is not None and p.covers(record.day)
    ]
    contract = next((c for c in in_force if c.covers(record.day)), None)
    if contract is None:
        reasons.append(Exclusion.OUTSIDE_PERIOD if in_force else Exclusion.NOT_PAIRED)
        contract = in_force[0] if in_force else None
    elif contract.price_of(record.kind) is None:
        reasons.append(Exclusion.NO_PRICE)
    if record.outcome in NOT_FOUND:
        if contract is not None and not contract.pays_not_found:
            reasons.append(Exclusion.NOT_FOUND_UNPAID)
    elif record.outcome is not VisitOutcome.VISITED:
        reasons.append(Exclusion.NOT_DELIVERED)
    # A supervisor who finds the visit real dismisses the flag (oversight.review_queues.dismiss_flag); one
    # found false voids the visit. So only a dismissed flag no longer doubts the visit.
    for flag in flags:
        if flag.kind in DOUBTS and flag.state is not FlagState.DISMISSED:
            reasons.append(Exclusion(DOUBTS[flag.kind]))
    return contract, list(dict.fromkeys(reasons))


def _line(
    record: VisitRecord, contract: Contract | None, reasons: list[Exclusion], inputs: Inputs
) -> StatementLine:
    minutes = int((record.ended_at - record.started_at).total_seconds() // 60)
    return StatementLine(
        visit_id=record.id, day=record.day, started_at=record.started_at, elder_id=record.elder_id,
        elder_name=inputs.elder_names.get(record.elder_id, ""), worker_id=record.worker_id,
        worker_name=inputs.worker_names.get(record.worker_id, ""),
        visitor_kind=inputs.visitor_kinds.get(record.worker_id), kind=record.kind, outcome=record.outcome,
        minutes_on_site=max(minutes, 0), distance_m=record.distance_m, accuracy_m=record.accuracy_m,
        photos=inputs.photos.get(record.id, 0),
        flags=[FlagRef(f.kind, f.state) for f in inputs.flags.get(record.id, [])],
        contract_id=None if contract is None else contract.id,
        contract_code=None if contract is None else contract.code,
        unit_price=None if contract is None else contract.price_of(record.kind),
        reasons=reasons,
    )  # fmt: skip


def _meets(contract: Contract, month: Month) -> bool:
    return contract.first_day <= month.last and month.first <= contract.last_day


def _contract_total(
    contract: Contract, delivered: Iterable[StatementLine], excluded: Iterable[StatementLine]
) -> ContractTotal:
    counts = Counter(line.kind for line in delivered if line.contract_id == contract.id)
    by_kind = []
    for kind, count in sorted(counts.items()):
        price = contract.price_of(kind)
        assert price is not None  # a visit of a kind without a price is excluded (NO_PRICE)
        by_kind.append(KindTotal(kind, count, price, money(price * count)))
    beyond = sum(
        1 for line in excluded if line.contract_id == contract.id and Exclusion.BEYOND_QUOTA in line.reasons
    )
    return ContractTotal(
        contract.id, contract.code, contract.first_day, contract.last_day, contract.monthly_quota,
        contract.pays_not_found, sum(counts.values()), beyond, by_kind,
        sum((k.amount for k in by_kind), Decimal("0.00")),
    )  # fmt: skip


def _by_reason(excluded: Iterable[StatementLine]) -> dict[Exclusion, int]:
    counts = Counter(reason for line in excluded for reason in line.reasons)
    return {reason: counts[reason] for reason in Exclusion if reason in counts}


def money(value: Decimal) -> Decimal:
    """Yuan to the fen, half up, as an invoice rounds."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: the surname's first character, so a statement reads without naming."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
