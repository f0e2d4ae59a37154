"""结对帮扶: a person's visits made, for a period, by one visitor, or by an organisation's visitors
(optionally under one of its contracts). A person has at most one pairing in force on any day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from visitsvc.access.scoping import Caller
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Invalid, NotFound
from visitsvc.model import Contract, Elder, Pairing, Role, Worker
from visitsvc.partners.common import INVALID, require_manager, require_reader


@dataclass(frozen=True, slots=True)
class PairingData:
    elder_id: int
    first_day: date
    last_day: date | None = None
    visitor_id: int | None = None
    organisation_id: int | None = None
    contract_id: int | None = None


@dataclass(frozen=True, slots=True)
class PairingRead:
    id: int
    elder_id: int
    visitor_id: int | None
    organisation_id: int | None
    contract_id: int | None
    first_day: date
    last_day: date | None
    created_by: int | None
    ended_by: int | None
    created_at: datetime


def to_read(p: Pairing) -> PairingRead:
    return PairingRead(
        p.id, p.elder_id, p.visitor_id, p.organisation_id, p.contract_id, p.first_day, p.last_day,
        p.created_by, p.ended_by, p.created_at,
    )  # fmt: skip


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(INVALID, errors={field: [message]})


def _visitor(uow: UnitOfWork, caller: Caller, visitor_id: int) -> Worker:
    """An active visitor the caller sees (filed under their area, or staff of an organisation they see);
    anything else is one mistake in the field, whoever the account belongs to."""
    visitor = uow.workers.find_by_account_id(visitor_id)
    if (
        visitor is None
        or visitor.role is not Role.VISITOR
        or not visitor.active
        or not _seen(uow, caller, visitor)
    ):
        raise _invalid("visitor_id", "探访人员不存在或未启用")
    return visitor


def _seen(uow: UnitOfWork, caller: Caller, visitor: Worker) -> bool:
    if caller.scope.covers_worker(visitor):
        return True
    if visitor.organisation_id is None:
        return False
    try:
        uow.organisations.get_in(caller.scope, visitor.organisation_id)
    except NotFound:
        return False
    return True


def _contract(uow: UnitOfWork, caller: Caller, contract_id: int, organisation_id: int | None) -> Contract:
    try:
        contract = uow.contracts.get_in(caller.scope, contract_id)
    except NotFound:
        raise _invalid("contract_id", "合同不存在或不在您的管辖范围内") from None
    if organisation_id is not None and contract.organisation_id != organisation_id:
        raise _invalid("contract_id", "合同不属于该机构")
    return contract


def _check_contract(contract: Contract, elder: Elder, first_day: date, last_day: date) -> None:
    errors: dict[str, list[str]] = {}
    if first_day < contract.first_day:
        errors["first_day"] = [f"结对开始日期早于合同期（{contract.first_day} 起）"]
    if last_day > contract.last_day:
        errors["last_day"] = [f"结对结束日期晚于合同期（至 {contract.last_day}）"]
    if not any(elder.grid.is_within(a.path) for a in contract.areas):
        errors["elder_id"] = ["该老人所在网格不在合同覆盖的区划内"]
    if errors:
        raise Invalid(INVALID, errors=errors)


def create_pairing(uow: UnitOfWork, *, caller: Caller, data: PairingData) -> PairingRead:
    """Pair a person (within the caller's scope, 404 otherwise) with a visitor or an organisation. A visitor
    of an organisation brings it along; a pairing under a contract ends with it unless told otherwise."""
    require_manager(caller)
    if data.visitor_id is None and data.organisation_id is None and data.contract_id is None:
        raise _invalid("visitor_id", "须指定探访人员或机构")
    if data.last_day is not None and data.last_day < data.first_day:
        raise _invalid("last_day", "结对结束日期不能早于开始日期")
    with uow:
        uow.pairings.lock_person(data.elder_id)
        elder = uow.elders.get(caller.scope, data.elder_id)
        organisation_id = data.organisation_id
        if data.visitor_id is not None:
            visitor = _visitor(uow, caller, data.visitor_id)
            if visitor.organisation_id is not None:
                if organisation_id not in (None, visitor.organisation_id):
                    raise _invalid("visitor_id", "该探访人员不属于所选机构")
                organisation_id = visitor.organisation_id
            elif organisation_id is not None:
                raise _invalid("visitor_id", "该探访人员不属于所选机构")
        contract = None
        if data.contract_id is not None:
            contract = _contract(uow, caller, data.contract_id, organisation_id)
            organisation_id = contract.organisation_id
        if organisation_id is not None:
            organisation = uow.organisations.get_in(caller.scope, organisation_id)
            if not organisation.active:
                raise _invalid("organisation_id", "机构已停用")
        last_day = data.last_day if data.last_day is not None or contract is None else contract.last_day
        if contract is not None:
            assert last_day is not None
            _check_contract(contract, elder, data.first_day, last_day)
        if uow.pairings.overlapping(data.first_day, last_day or date.max, [elder.id]):
            message = "该老人在这段时间已有结对"
            raise Conflict(message, code="pairing_overlaps", errors={"first_day": [message]})
        pairing = Pairing(
            elder_id=elder.id, visitor_id=data.visitor_id, organisation_id=organisation_id,
            contract_id=data.contract_id, first_day=data.first_day, last_day=last_day,
            created_by=caller.worker_id, created_at=uow.clock.now(),
        )  # fmt: skip
        uow.pairings.add(pairing)
        audit.record(
            uow, caller, action="pairing.create", record_type="pairing", record_id=pairing.id,
            area_path=elder.grid.path, details={
                "elder_id": elder.id, "visitor_id": data.visitor_id, "organisation_id": organisation_id,
                "contract_id": data.contract_id, "first_day": data.first_day.isoformat(),
                "last_day": last_day.isoformat() if last_day else None,
            },
        )  # fmt: skip
        uow.commit()
        return to_read(pairing)


def end_pairing(
    uow: UnitOfWork, *, caller: Caller, pairing_id: int, last_day: date | None = None
) -> PairingRead:
    """The pairing's last day (today unless given); never later than a last day it has already."""
    require_manager(caller)
    with uow:
        pairing = uow.pairings.get_in(caller.scope, pairing_id)
        day = last_day if last_day is not None else uow.clock.today()
        if day < pairing.first_day:
            raise _invalid("last_day", "结束日期不能早于结对开始日期")
        if pairing.last_day is not None and pairing.last_day <= day:
            raise Conflict(
                "结对在该日期前已结束", code="pairing_ended", errors={"last_day": ["结对在该日期前已结束"]}
            )
        before = pairing.last_day
        pairing.last_day, pairing.ended_by = day, caller.worker_id
        elder = uow.elders.get(caller.scope, pairing.elder_id)
        audit.record(
            uow, caller, action="pairing.end", record_type="pairing", record_id=pairing.id,
            area_path=elder.grid.path,
            details={"changes": {"last_day": [before.isoformat() if before else None, day.isoformat()]}},
        )  # fmt: skip
        uow.commit()
        return to_read(pairing)


def list_pairings(
    uow: UnitOfWork,
    *,
    caller: Caller,
    elder_id: int | None = None,
    visitor_id: int | None = None,
    organisation_id: int | None = None,
    limit: int = 50,
    after_id: int | None = None,
) -> tuple[list[PairingRead], int | None]:
    """Pairings of the people the caller sees (a coordinator: their organisation's people)."""
    require_reader(caller)
    with uow:
        rows = uow.pairings.page(
            caller.scope, elder_id=elder_id, visitor_id=visitor_id, organisation_id=organisation_id,
            limit=limit + 1, after_id=after_id,
        )  # fmt: skip
        page = rows[:limit]
        return [to_read(p) for p in page], (page[-1].id if len(rows) > limit else None)
