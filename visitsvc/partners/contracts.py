"""Contracts of purchased visits (政府购买服务): a period, the areas covered, a unit price per visit kind in
yuan, and a monthly quota counted on delivered visits. Managed by the admins and supervisors of the areas
they are filed under or cover; read also by the organisation's coordinator."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from visitsvc.access.scoping import Caller
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict, Invalid
from visitsvc.model import Area, Contract, ContractPrice, VisitKind
from visitsvc.partners.common import INVALID, areas_in_scope, require_manager, require_reader, unseen

MAX_PRICE = Decimal("99999999.99")  # Numeric(10, 2)


@dataclass(frozen=True, slots=True)
class ContractData:
    code: str
    first_day: date
    last_day: date
    covered_area_codes: tuple[str, ...]
    prices: dict[VisitKind, Decimal] = field(default_factory=dict)
    monthly_quota: int = 0
    pays_not_found: bool = False
    # The area it is filed under (the office that manages it); None: the caller's own area.
    area_code: str | None = None


CONTRACT_FIELDS = tuple(f.name for f in fields(ContractData))


@dataclass(frozen=True, slots=True)
class ContractRead:
    id: int
    code: str
    organisation_id: int
    organisation_name: str
    first_day: date
    last_day: date
    area_code: str
    covered_area_codes: list[str]
    prices: dict[VisitKind, Decimal]
    monthly_quota: int
    pays_not_found: bool
    updated_at: datetime


def to_read(contract: Contract) -> ContractRead:
    return ContractRead(
        contract.id, contract.code, contract.organisation_id, contract.organisation.name, contract.first_day,
        contract.last_day, contract.area.code, [a.code for a in contract.areas],
        {p.kind: p.unit_price for p in contract.prices}, contract.monthly_quota, contract.pays_not_found,
        contract.updated_at,
    )  # fmt: skip


def price_error(price: Decimal) -> str | None:
    if not price.is_finite() or price < 0:
        return "单价须为不小于 0 的金额"
    if price.as_tuple().exponent < -2:  # type: ignore[operator]
        return "单价最多两位小数（元）"
    if price > MAX_PRICE:
        return "单价过大"
    return None


def validate(data: ContractData) -> tuple[ContractData, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    code = data.code.strip()
    if not 1 <= len(code) <= 40:
        errors["code"] = ["合同编号须为 1-40 个字符"]
    if data.last_day < data.first_day:
        errors["last_day"] = ["合同结束日期不能早于开始日期"]
    if data.monthly_quota < 0:
        errors["monthly_quota"] = ["每月服务量须不小于 0"]
    if not data.prices:
        errors["prices"] = ["须至少指定一种探访方式的单价"]
    for kind, price in data.prices.items():
        message = price_error(price)
        if message:
            errors[f"prices.{kind.value}"] = [message]
    if not data.covered_area_codes:
        errors["covered_area_codes"] = ["须至少指定一个覆盖区划"]
    return replace(data, code=code), errors


def _plain(name: str, value: Any) -> Any:
    if name == "prices":
        return {k.value: str(v) for k, v in sorted(value.items(), key=lambda kv: kv[0].value)}
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write(contract: Contract, data: ContractData, filed: Area, covered: list[Area]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in ("code", "first_day", "last_day", "monthly_quota", "pays_not_found"):
        old, new = getattr(contract, name, None), getattr(data, name)
        if old != new:
            changes[name] = [_plain(name, old), _plain(name, new)]
            setattr(contract, name, new)
    old_prices = {p.kind: p.unit_price for p in (getattr(contract, "prices", None) or [])}
    if old_prices != data.prices:
        changes["prices"] = [_plain("prices", old_prices), _plain("prices", data.prices)]
        contract.prices = [
            ContractPrice(kind=k, unit_price=v)
            for k, v in sorted(data.prices.items(), key=lambda kv: kv[0].value)
        ]
    old_filed = contract.area.code if getattr(contract, "area", None) is not None else None
    if old_filed != filed.code:
        changes["area_code"] = [old_filed, filed.code]
        contract.area = filed
    old_covered = sorted(a.code for a in (getattr(contract, "areas", None) or []))
    if old_covered != sorted(a.code for a in covered):
        changes["covered_area_codes"] = [old_covered, sorted(a.code for a in covered)]
        contract.areas = covered
    return changes


def _filed_area(uow: UnitOfWork, caller: Caller, area_code: str | None, kept: list[Area]) -> Area:
    if area_code is None:
        own = uow.workers.find_by_account_id(caller.worker_id) if caller.worker_id is not None else None
        if own is None or own.area is None:
            raise Invalid(INVALID, errors={"area_code": ["须指定合同所属区划"]})
        area_code = own.area.code
    return areas_in_scope(uow, caller, [area_code], field="area_code", kept=kept)[0]


def _unique_code(uow: UnitOfWork, code: str, own_id: int | None = None) -> None:
    holder = uow.contracts.by_code(code)
    if holder is not None and holder.id != own_id:
        raise Conflict("合同编号已存在", code="contract_code_exists", errors={"code": ["合同编号已存在"]})


def _audit(uow: UnitOfWork, caller: Caller, action: str, contract: Contract, changes: dict[str, Any]) -> None:
    audit.record(
        uow, caller, action=action, record_type="contract", record_id=contract.id,
        area_path=contract.area.path,
        details={"organisation_id": contract.organisation_id, "changes": changes},
    )  # fmt: skip


def create_contract(
    uow: UnitOfWork, *, caller: Caller, organisation_id: int, data: ContractData
) -> ContractRead:
    require_manager(caller)
    data, errors = validate(data)
    if errors:
        raise Invalid(INVALID, errors=errors)
    with uow:
        organisation = uow.organisations.get_in(caller.scope, organisation_id)
        filed = _filed_area(uow, caller, data.area_code, [])
        covered = areas_in_scope(uow, caller, data.covered_area_codes, field="covered_area_codes")
        _unique_code(uow, data.code)
        now = uow.clock.now()
        contract = Contract(
            organisation=organisation, created_by=caller.worker_id, created_at=now, updated_at=now
        )
        changes = _write(contract, data, filed, covered)
        uow.contracts.add(contract)
        _audit(uow, caller, "contract.create", contract, changes)
        uow.commit()
        return to_read(contract)


def current_data(contract: Contract) -> ContractData:
    return ContractData(
        code=contract.code, first_day=contract.first_day, last_day=contract.last_day,
        covered_area_codes=tuple(a.code for a in contract.areas),
        prices={p.kind: p.unit_price for p in contract.prices}, monthly_quota=contract.monthly_quota,
        pays_not_found=contract.pays_not_found, area_code=contract.area.code,
    )  # fmt: skip


def update_contract(
    uow: UnitOfWork, *, caller: Caller, contract_id: int, changes: dict[str, Any]
) -> ContractRead:
    """Change a contract. Its period must still hold the days of the pairings made under it (409)."""
    require_manager(caller)
    unknown = set(changes) - set(CONTRACT_FIELDS)
    if unknown:
        raise Invalid(INVALID, errors={name: ["未知字段"] for name in sorted(unknown)})
    with uow:
        contract = uow.contracts.get_in(caller.scope, contract_id)
        data = replace(current_data(contract), **changes)
        kept_covered = unseen(caller, contract.areas)
        data = replace(
            data,
            covered_area_codes=tuple(
                dict.fromkeys([*data.covered_area_codes, *(a.code for a in kept_covered)])
            ),
        )
        data, errors = validate(data)
        if errors:
            raise Invalid(INVALID, errors=errors)
        filed = _filed_area(uow, caller, data.area_code, unseen(caller, [contract.area]))
        covered = areas_in_scope(
            uow, caller, data.covered_area_codes, field="covered_area_codes", kept=kept_covered
        )
        _unique_code(uow, data.code, contract.id)
        outside = [
            p for p in uow.pairings.under_contract(contract.id)
            if p.first_day < data.first_day or (p.last_day or date.max) > data.last_day
        ]  # fmt: skip
        if outside:
            message = f"有 {len(outside)} 个结对的日期超出新的合同期"
            raise Conflict(message, code="pairings_outside_period", errors={"first_day": [message]})
        diff = _write(contract, data, filed, covered)
        if diff:
            contract.updated_at = uow.clock.now()
            _audit(uow, caller, "contract.update", contract, diff)
        uow.commit()
        return to_read(contract)


def get_contract(uow: UnitOfWork, *, caller: Caller, contract_id: int) -> ContractRead:
    require_reader(caller)
    with uow:
        return to_read(uow.contracts.get_in(caller.scope, contract_id))


def list_contracts(uow: UnitOfWork, *, caller: Caller, organisation_id: int) -> list[ContractRead]:
    """The organisation's contracts the caller sees."""
    require_reader(caller)
    with uow:
        organisation = uow.organisations.get_in(caller.scope, organisation_id)
        return [to_read(c) for c in uow.contracts.of_organisation_in(caller.scope, organisation.id)]
