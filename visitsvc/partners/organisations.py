"""Organisations whose staff visit (社工站, 社会组织, 养老服务机构, 志愿服务组织, 老年协会): created and
changed by the admins and supervisors of the areas they serve, read also by their own coordinator."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from visitsvc.access.scoping import ROOT_PATH, Caller
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import credit_code, phone_numbers
from visitsvc.kernel.errors import Conflict, Forbidden, Invalid
from visitsvc.model import Organisation, OrganisationKind
from visitsvc.partners.common import INVALID, areas_in_scope, require_manager, require_reader, unseen
from visitsvc.register import workers


@dataclass(frozen=True, slots=True)
class OrganisationData:
    name: str
    kind: OrganisationKind
    credit_code: str
    area_codes: tuple[str, ...]
    contact_name: str | None = None
    contact_phone: str | None = None
    active: bool = True


ORGANISATION_FIELDS = tuple(f.name for f in fields(OrganisationData))


@dataclass(frozen=True, slots=True)
class OrganisationRead:
    id: int
    name: str
    kind: OrganisationKind
    credit_code: str
    area_codes: list[str]
    contact_name: str | None
    contact_phone: str | None
    active: bool
    masked: bool
    updated_at: datetime


def to_read(organisation: Organisation, *, unmasked: bool = False) -> OrganisationRead:
    phone = organisation.contact_phone
    return OrganisationRead(
        organisation.id, organisation.name, organisation.kind, organisation.credit_code,
        [a.code for a in organisation.areas], organisation.contact_name,
        phone if unmasked or not phone else phone_numbers.mask_phone(phone), organisation.active,
        not unmasked, organisation.updated_at,
    )  # fmt: skip


def filing_path(organisation: Organisation) -> str:
    """Its audit entries are filed under the first area it serves (the model's rule)."""
    return organisation.areas[0].path if organisation.areas else ROOT_PATH


def validate(data: OrganisationData) -> tuple[OrganisationData, dict[str, list[str]]]:
    """The data normalised (the code folded, the phone in its one form) and the rules it breaks; shared with
    the 台账 import."""
    errors: dict[str, list[str]] = {}
    if not 1 <= len(data.name.strip()) <= 100:
        errors["name"] = ["机构名称须为 1-100 个字符"]
    code = data.credit_code
    try:
        code = credit_code.parse(data.credit_code)
    except ValueError as exc:
        errors["credit_code"] = [str(exc)]
    phone = data.contact_phone or None
    if phone:
        try:
            phone = phone_numbers.normalize_phone(phone)
        except ValueError as exc:
            errors["contact_phone"] = [str(exc)]
    contact = (data.contact_name or "").strip() or None
    if contact is not None and len(contact) > 50:
        errors["contact_name"] = ["联系人须不超过 50 个字符"]
    if not data.area_codes:
        errors["area_codes"] = ["须至少指定一个服务区划"]
    normalised = replace(
        data, name=data.name.strip(), credit_code=code, contact_name=contact, contact_phone=phone
    )
    return normalised, errors


def _plain(name: str, value: Any) -> Any:
    if name == "contact_phone" and value:  # stored encrypted: the audit log keeps it masked
        return phone_numbers.mask_phone(value)
    if isinstance(value, list):
        return sorted(a.code for a in value)
    return value.value if hasattr(value, "value") else value


def write(organisation: Organisation, data: OrganisationData, areas: list[Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in ORGANISATION_FIELDS:
        if name == "area_codes":
            continue
        old, new = getattr(organisation, name, None), getattr(data, name)
        if old != new:
            changes[name] = [_plain(name, old), _plain(name, new)]
            setattr(organisation, name, new)
    old_areas = list(getattr(organisation, "areas", None) or [])
    if sorted(a.code for a in old_areas) != sorted(a.code for a in areas):
        changes["area_codes"] = [_plain("areas", old_areas), _plain("areas", areas)]
        organisation.areas = areas
    return changes


def _unique_code(uow: UnitOfWork, code: str, own_id: int | None = None) -> None:
    holder = uow.organisations.by_credit_code(code)
    if holder is not None and holder.id != own_id:
        message = "该统一社会信用代码已登记"
        raise Conflict(message, code="credit_code_exists", errors={"credit_code": [message]})


def create_organisation(uow: UnitOfWork, *, caller: Caller, data: OrganisationData) -> OrganisationRead:
    require_manager(caller)
    data, errors = validate(data)
    if errors:
        raise Invalid(INVALID, errors=errors)
    with uow:
        areas = areas_in_scope(uow, caller, data.area_codes, field="area_codes")
        _unique_code(uow, data.credit_code)
        now = uow.clock.now()
        organisation = Organisation(created_at=now, updated_at=now)
        changes = write(organisation, data, areas)
        uow.organisations.add(organisation)
        audit.record(
            uow, caller, action="organisation.create", record_type="organisation",
            record_id=organisation.id, area_path=filing_path(organisation), details={"changes": changes},
        )  # fmt: skip
        uow.commit()
        return to_read(organisation)


def current_data(organisation: Organisation) -> OrganisationData:
    return OrganisationData(
        name=organisation.name, kind=organisation.kind, credit_code=organisation.credit_code,
        area_codes=tuple(a.code for a in organisation.areas), contact_name=organisation.contact_name,
        contact_phone=organisation.contact_phone, active=organisation.active,
    )  # fmt: skip


def update_organisation(
    uow: UnitOfWork, *, caller: Caller, organisation_id: int, changes: dict[str, Any]
) -> OrganisationRead:
    """Change an organisation; areas it serves outside the caller's scope stay whatever the list says."""
    require_manager(caller)
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise Invalid(INVALID, errors={name: ["未知字段"] for name in sorted(unknown)})
    with uow:
        organisation = uow.organisations.get_in(caller.scope, organisation_id)
        kept = unseen(caller, organisation.areas)
        data = replace(current_data(organisation), **changes)
        data = replace(data, area_codes=tuple(dict.fromkeys([*data.area_codes, *(a.code for a in kept)])))
        data, errors = validate(data)
        if errors:
            raise Invalid(INVALID, errors=errors)
        areas = areas_in_scope(uow, caller, data.area_codes, field="area_codes", kept=kept)
        _unique_code(uow, data.credit_code, organisation.id)
        diff = write(organisation, data, areas)
        if diff:
            organisation.updated_at = uow.clock.now()
            audit.record(
                uow, caller, action="organisation.update", record_type="organisation",
                record_id=organisation.id, area_path=filing_path(organisation), details={"changes": diff},
            )  # fmt: skip
        uow.commit()
        return to_read(organisation)


def _check_unmask(caller: Caller, unmask: bool) -> None:
    if unmask and not caller.may_unmask:
        raise Forbidden("无权查看完整联系电话", code="unmask_forbidden")


def _audit_unmask(uow: UnitOfWork, caller: Caller, organisation: Organisation) -> None:
    audit.record(
        uow, caller, action="organisation.unmask", record_type="organisation", record_id=organisation.id,
        area_path=filing_path(organisation),
    )  # fmt: skip


def get_organisation(
    uow: UnitOfWork, *, caller: Caller, organisation_id: int, unmask: bool = False
) -> OrganisationRead:
    require_reader(caller)
    _check_unmask(caller, unmask)
    with uow:
        organisation = uow.organisations.get_in(caller.scope, organisation_id)
        if unmask:
            _audit_unmask(uow, caller, organisation)
            uow.commit()
        return to_read(organisation, unmasked=unmask)


def list_organisations(
    uow: UnitOfWork,
    *,
    caller: Caller,
    limit: int = 50,
    after_id: int | None = None,
    unmask: bool = False,
) -> tuple[list[OrganisationRead], int | None]:
    require_reader(caller)
    _check_unmask(caller, unmask)
    with uow:
        rows = uow.organisations.page(caller.scope, limit=limit + 1, after_id=after_id)
        page = rows[:limit]
        if unmask:
            for organisation in page:
                _audit_unmask(uow, caller, organisation)
            uow.commit()
        return [to_read(o, unmasked=unmask) for o in page], (page[-1].id if len(rows) > limit else None)


def list_staff(uow: UnitOfWork, *, caller: Caller, organisation_id: int) -> list[workers.WorkerRead]:
    """Its visitors and coordinators: for those who see the organisation (its coordinator included)."""
    require_reader(caller)
    with uow:
        organisation = uow.organisations.get_in(caller.scope, organisation_id)
        return [workers.to_read(w) for w in uow.organisations.staff(organisation.id)]
