"""Builders of organisations, contracts, visitors and pairings (issue 19), written straight to the models: a
test sets up exactly the state it is about, past what the partners' services would refuse (a visitor's
absence, a pairing outside a contract's period). Each takes the unit of work and commits."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime, time
from decimal import Decimal

from openpyxl import Workbook

from tests.factories import password_hash
from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import credit_code
from visitsvc.model import (
    Absence,
    AbsenceKind,
    Contract,
    ContractPrice,
    Organisation,
    OrganisationKind,
    Pairing,
    Role,
    TravelMode,
    VisitKind,
    VisitorKind,
    VisitorProfile,
    Worker,
)

_sequence = itertools.count(1)
NOW = datetime(2026, 11, 1, tzinfo=UTC)
EVERYTHING = Scope.everything()


def a_credit_code() -> str:
    """A valid 统一社会信用代码, unique within a test run."""
    first17 = f"52330106MJ{next(_sequence):07d}"
    return first17 + credit_code.check_character(first17)


def make_organisation(
    uow: UnitOfWork,
    name: str = "西湖区社工站",
    *,
    area_codes: tuple[str, ...],
    kind: OrganisationKind = OrganisationKind.SOCIAL_WORK_STATION,
) -> int:
    with uow:
        organisation = Organisation(
            name=name, kind=kind, credit_code=a_credit_code(), contact_name="陈站长",
            contact_phone="13800001111", created_at=NOW, updated_at=NOW,
            areas=[uow.areas.get_by_code(EVERYTHING, c) for c in area_codes],
        )  # fmt: skip
        uow.organisations.add(organisation)
        uow.commit()
        return organisation.id


def make_visitor(
    uow: UnitOfWork,
    account: str,
    *,
    organisation_id: int | None,
    area_code: str,
    kind: VisitorKind = VisitorKind.SOCIAL_WORKER,
    weekdays: str | None = None,
    minutes_per_day: int = 240,
    start: tuple[float, float] | None = (120.12, 30.28),
    role: Role = Role.VISITOR,
) -> int:
    """A visitor (or, with `role=Role.COORDINATOR` and `kind=None`, a coordinator) filed under `area_code`."""
    with uow:
        worker = Worker(
            account=account, name=f"{account}探访", phone="13900002222", role=role,
            area_id=uow.areas.get_by_code(EVERYTHING, area_code).id, travel_mode=TravelMode.EBIKE,
            start_lon=start[0] if start else None, start_lat=start[1] if start else None,
            work_start=time(8, 30), work_end=time(17, 30), visit_minutes_per_day=minutes_per_day,
            password_hash=password_hash(), created_at=NOW, updated_at=NOW,
            profile=VisitorProfile(
                kind=None if role is Role.COORDINATOR else kind, organisation_id=organisation_id,
                work_weekdays=weekdays,
            ),
        )  # fmt: skip
        uow.session.add(worker)
        uow.commit()
        return worker.id


def make_coordinator(uow: UnitOfWork, account: str, *, organisation_id: int, area_code: str) -> int:
    return make_visitor(
        uow, account, organisation_id=organisation_id, area_code=area_code, role=Role.COORDINATOR
    )


def make_contract(
    uow: UnitOfWork,
    organisation_id: int,
    *,
    area_code: str,
    first_day: date,
    last_day: date,
    quota: int,
    home_price: str = "50.00",
    phone_price: str = "10.00",
    pays_not_found: bool = False,
    covered: tuple[str, ...] | None = None,
) -> int:
    with uow:
        contract = Contract(
            code=f"HT-{next(_sequence):05d}", organisation_id=organisation_id, first_day=first_day,
            last_day=last_day, monthly_quota=quota, pays_not_found=pays_not_found,
            area_id=uow.areas.get_by_code(EVERYTHING, area_code).id, created_at=NOW, updated_at=NOW,
            areas=[uow.areas.get_by_code(EVERYTHING, c) for c in (covered or (area_code,))],
            prices=[
                ContractPrice(kind=VisitKind.HOME, unit_price=Decimal(home_price)),
                ContractPrice(kind=VisitKind.PHONE, unit_price=Decimal(phone_price)),
            ],
        )  # fmt: skip
        uow.contracts.add(contract)
        uow.commit()
        return contract.id


def make_pairing(
    uow: UnitOfWork,
    elder_id: int,
    *,
    visitor_id: int | None = None,
    organisation_id: int | None = None,
    contract_id: int | None = None,
    first_day: date,
    last_day: date | None = None,
) -> int:
    with uow:
        pairing = Pairing(
            elder_id=elder_id, visitor_id=visitor_id, organisation_id=organisation_id,
            contract_id=contract_id, first_day=first_day, last_day=last_day, created_at=NOW,
        )  # fmt: skip
        uow.pairings.add(pairing)
        uow.commit()
        return pairing.id


def partner_workbook(organisations: list[list[str]], staff: list[list[str]]) -> bytes:
    """A 台账 workbook of partners: the sheets 机构 and 人员 with their columns, every cell as text."""
    from visitsvc.infrastructure.spreadsheet import xlsx_row
    from visitsvc.partners.ledger import ORGANISATION_COLUMNS, STAFF_COLUMNS

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, headers, rows in (
        ("机构", ORGANISATION_COLUMNS, organisations),
        ("人员", STAFF_COLUMNS, staff),
    ):
        sheet = book.create_sheet(title)
        for row in (headers, *rows):
            sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_visitor_absence(uow: UnitOfWork, visitor_id: int, first_day: date, last_day: date) -> int:
    """A visitor's leave, written straight to its table (the register's absences take grid workers only)."""
    with uow:
        absence = Absence(
            worker_id=visitor_id,
            first_day=first_day,
            last_day=last_day,
            kind=AbsenceKind.LEAVE,
            created_at=NOW,
        )
        uow.session.add(absence)
        uow.commit()
        return absence.id
