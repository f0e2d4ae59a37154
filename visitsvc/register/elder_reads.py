"""Reading the elder register: masked unless the caller may unmask, and every unmasking audited.

What a caller sees of a person is decided here, once: the register entry (ElderRead) for grid workers,
supervisors and admins; a visit's projection (VisitElderRead) for visitors, who never see the register as
such (docs/adr/0031-what-a-visitor-sees.md); nothing for coordinators. The API reads people through
`get_person` and `list_people`; the desk's own reads (console, simulation) take the register entry.

A search by full ID number is a lookup of the whole register (id_lookups): counted, and recorded even when
the answer is masked. The writes (create, correct, transfer, change status) are in elders.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from visitsvc.access.scoping import Caller, require_register_reader, require_role
from visitsvc.accounts import audit
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber, masking, phone_numbers
from visitsvc.kernel.errors import Forbidden, NotFound
from visitsvc.model import (
    AbilityLevel,
    Category,
    DisabilityGrade,
    Elder,
    ElderStatus,
    Role,
    Sex,
    Willingness,
)
from visitsvc.register import id_lookups

MAX_PAGE = 200


@dataclass(frozen=True, slots=True)
class ElderRead:
    id: int
    name: str
    id_number: str
    sex: Sex
    birth_date: date | None  # only unmasked: with the masked number it would give the whole number back
    birth_year: int
    age: int
    phone: str | None
    address: str
    lon: float | None
    lat: float | None
    location_verified: bool
    grid_code: str
    grid_name: str
    categories: list[Category]
    ability_level: AbilityLevel | None
    disability_grade: DisabilityGrade | None
    emergency_contact: str | None
    emergency_phone: str | None
    willingness: Willingness
    preferred_start: time | None
    preferred_end: time | None
    notes: str | None
    status: ElderStatus
    status_since: date
    created_at: datetime
    updated_at: datetime
    version: int
    masked: bool


@dataclass(frozen=True, slots=True)
class VisitElderRead:
    """What a visit needs of a person, and all a visitor gets: no birth date, no ability assessment, no
    emergency contact, no status or its history, no grid; the ID number always masked and the phone masked
    here (it is shown, audited, on the visitor's own route, as a grid worker's is)."""

    id: int
    name: str
    id_number: str
    sex: Sex
    age: int
    phone: str | None
    address: str
    lon: float | None
    lat: float | None
    location_verified: bool
    categories: list[Category]
    notes: str | None
    masked: bool = True


PersonRead = ElderRead | VisitElderRead


def to_visit_read(elder: Elder, *, today: date) -> VisitElderRead:
    return VisitElderRead(
        id=elder.id,
        name=elder.name,
        id_number=idnumber.mask(elder.id_number),
        sex=elder.sex,
        age=masking.age_this_year(elder.birth_date, today),
        phone=None if elder.phone is None else phone_numbers.mask_phone(elder.phone),
        address=elder.address,
        lon=elder.lon,
        lat=elder.lat,
        location_verified=elder.location_verified,
        categories=sorted(elder.categories),
        notes=elder.notes,
    )


def to_read(elder: Elder, *, today: date, unmasked: bool) -> ElderRead:
    def show_phone(value: str | None) -> str | None:
        return value if unmasked or value is None else phone_numbers.mask_phone(value)

    return ElderRead(
        id=elder.id,
        name=elder.name,
        id_number=elder.id_number if unmasked else idnumber.mask(elder.id_number),
        sex=elder.sex,
        birth_date=elder.birth_date if unmasked else None,
        birth_year=elder.birth_date.year,
        age=elder.age(today) if unmasked else masking.age_this_year(elder.birth_date, today),
        phone=show_phone(elder.phone),
        address=elder.address,
        lon=elder.lon,
        lat=elder.lat,
        location_verified=elder.location_verified,
        grid_code=elder.grid.code,
        grid_name=elder.grid.name,
        categories=sorted(elder.categories),
        ability_level=elder.ability_level,
        disability_grade=elder.disability_grade,
        emergency_contact=elder.emergency_contact,
        emergency_phone=show_phone(elder.emergency_phone),
        willingness=elder.willingness,
        preferred_start=elder.preferred_start,
        preferred_end=elder.preferred_end,
        notes=elder.notes,
        status=elder.status,
        status_since=elder.status_since,
        created_at=elder.created_at,
        updated_at=elder.updated_at,
        version=elder.version,
        masked=not unmasked,
    )


def _check_unmask(caller: Caller, unmask: bool) -> None:
    if unmask and not caller.may_unmask:
        raise Forbidden("网格员无权查看完整身份证号、电话和出生日期", code="unmask_forbidden")


def _audit_unmask(uow: UnitOfWork, caller: Caller, elder: Elder) -> None:
    audit.record(
        uow, caller, action="elder.unmask", record_type="elder", record_id=elder.id, area_path=elder.grid.path
    )


def get_person(uow: UnitOfWork, *, caller: Caller, elder_id: int, unmask: bool = False) -> PersonRead:
    """One person as the caller may see them: a visitor the visit's projection, anyone else the entry."""
    if not caller.sees_visit_fields_only:
        return get_elder(uow, caller=caller, elder_id=elder_id, unmask=unmask)
    _check_unmask(caller, unmask)
    with uow:
        return to_visit_read(uow.elders.get(caller.scope, elder_id), today=uow.clock.today())


def list_people(
    uow: UnitOfWork,
    *,
    caller: Caller,
    flt: ElderFilter,
    area_code: str | None = None,
    limit: int = 50,
    after_id: int | None = None,
    unmask: bool = False,
) -> tuple[list[PersonRead], int | None]:
    """A page of people as the caller may see them. A visitor finds theirs by name and category: a filter
    by status or ability level would tell them what their projection leaves out."""
    if not caller.sees_visit_fields_only:
        items, next_id = list_elders(
            uow, caller=caller, flt=flt, area_code=area_code, limit=limit, after_id=after_id, unmask=unmask
        )
        return list[PersonRead](items), next_id
    _check_unmask(caller, unmask)
    if flt.id_number is not None or flt.status is not None or flt.ability_level is not None:
        raise Forbidden("探访人员只能按姓名和类别查找", code="forbidden")
    with uow:
        page, next_id = _page(uow, caller, flt, area_code, limit, after_id)
        today = uow.clock.today()
        return [to_visit_read(e, today=today) for e in page], next_id


def get_elder(uow: UnitOfWork, *, caller: Caller, elder_id: int, unmask: bool = False) -> ElderRead:
    """The register entry: grid workers, supervisors and admins."""
    require_register_reader(caller)
    _check_unmask(caller, unmask)
    with uow:
        elder = uow.elders.get(caller.scope, elder_id)
        if unmask:
            _audit_unmask(uow, caller, elder)
            uow.commit()
        return to_read(elder, today=uow.clock.today(), unmasked=unmask)


def list_elders(
    uow: UnitOfWork,
    *,
    caller: Caller,
    flt: ElderFilter,
    area_code: str | None = None,
    limit: int = 50,
    after_id: int | None = None,
    unmask: bool = False,
) -> tuple[list[ElderRead], int | None]:
    require_register_reader(caller)
    _check_unmask(caller, unmask)
    if flt.id_number is not None:
        # Grid workers find their people on their route and by name; a full number is the register's key.
        require_role(caller, Role.SUPERVISOR, Role.ADMIN, action="按身份证号查询")
    with uow:
        if flt.id_number is not None:
            id_lookups.before_search(uow, caller)
            flt = replace(flt, id_number=idnumber.normalize(flt.id_number))
        if area_code == "":
            # Unlike the other lists, this one has always read an empty `?area=` as a code, which no area has.
            raise NotFound("区划不存在")
        page, next_id = _page(uow, caller, flt, area_code, limit, after_id)
        if flt.id_number is not None:
            # A search by ID number reveals who holds it: recorded even when masked.
            audit.record(
                uow,
                caller,
                action=id_lookups.SEARCH_ACTION,
                record_type="elder",
                record_id=page[0].id if page else None,
                area_path=page[0].grid.path if page else caller.scope.home_path,
                details={"id_number": idnumber.mask(flt.id_number), "found": len(page)},
            )
        if unmask:
            for elder in page:
                _audit_unmask(uow, caller, elder)
        if unmask or flt.id_number is not None:
            uow.commit()
        today = uow.clock.today()
        items = [to_read(e, today=today, unmasked=unmask) for e in page]
        return items, next_id


def _page(
    uow: UnitOfWork, caller: Caller, flt: ElderFilter, area_code: str | None, limit: int, after_id: int | None
) -> tuple[list[Elder], int | None]:
    """A page of the caller's people (within `area_code`) after `after_id`, and the id to go on after."""
    scope = uow.areas.scope_within(caller.scope, area_code)
    rows = uow.elders.page(scope, flt, limit=min(limit, MAX_PAGE) + 1, after_id=after_id)
    page = rows[:limit]
    return page, (page[-1].id if len(rows) > limit else None)
