"""Loading a generated district through the same 台账 import a county office uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from seed.district import Ledger
from seed.partners import HOME_PRICE, MONTHLY_QUOTA, PHONE_PRICE, Station
from visitsvc.access.scoping import Caller
from visitsvc.accounts.auth import hash_password
from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import (
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
)
from visitsvc.register import ledger_import as ledger_service
from visitsvc.register import workers
from visitsvc.register.ledger_format import ELDER_COLUMNS, ELDER_OPTIONAL, LedgerKind
from visitsvc.register.workers import WorkerData

Progress = Callable[[int, int], None]


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)


def _table(rows: list[dict[str, str]]) -> Table:
    headers = list(rows[0]) if rows else [*ELDER_COLUMNS, *ELDER_OPTIONAL]
    return Table(headers, [(number, row) for number, row in enumerate(rows, start=2)])


def load(
    make_uow: Callable[[], UnitOfWork],
    data: Ledger,
    *,
    password: str,
    progress: Callable[[str], Progress] | None = None,
) -> LoadResult:
    system = Caller.system()
    result = LoadResult()
    for kind, rows in (
        (LedgerKind.AREAS, data.areas),
        (LedgerKind.WORKERS, data.workers),
        (LedgerKind.ELDERS, data.elders),
    ):
        report = progress(kind.value) if progress else (lambda _d, _t: None)
        outcome = ledger_service.import_table(
            make_uow(), caller=system, kind=kind, table=_table(rows), filename=f"seed:{kind.value}",
            progress=report,
        )  # fmt: skip
        result.counts[kind.value] = outcome.created
        if kind is LedgerKind.AREAS:
            for staff in data.staff:
                workers.create_worker(
                    make_uow(),
                    caller=system,
                    data=WorkerData(
                        account=staff.account, name=staff.name, phone=staff.phone,
                        role=Role(staff.role), area_code=staff.area_code, visit_minutes_per_day=60,
                    ),
                )  # fmt: skip
            result.counts["staff"] = len(data.staff)
    _set_passwords(make_uow(), [s.account for s in data.staff] + [w["账号"] for w in data.workers], password)
    return result


def _set_passwords(uow: UnitOfWork, accounts: list[str], password: str) -> None:
    # One argon2 hash for every demo account: the password is public anyway, and hashing a thousand
    # accounts one by one would take a minute of a demo's start.
    digest = hash_password(password)
    with uow:
        for worker in uow.workers.by_accounts(accounts).values():
            worker.password_hash = digest
            # Public, so marked: production refuses to start while any account still has it.
            worker.password_is_demo = True
        uow.commit()


def load_station(make_uow: Callable[[], UnitOfWork], station: Station, *, password: str) -> dict[str, int]:
    """The station, its accounts, its contract and its pairings, from the station's first day of the month."""
    system = Caller.system()
    accounts = [station.coordinator, *station.visitors]
    for person in accounts:
        workers.create_worker(
            make_uow(),
            caller=system,
            data=WorkerData(
                account=person.account, name=person.name, phone=person.phone,
                role=Role.COORDINATOR if person.kind is None else Role.VISITOR, area_code=station.street_code,
                travel_mode=TravelMode(person.travel_mode), start_lon=person.start[0],
                start_lat=person.start[1], visit_minutes_per_day=person.minutes_per_day,
            ),
        )  # fmt: skip
    uow = make_uow()
    with uow:
        now = uow.clock.now()
        street = uow.areas.get_by_code(system.scope, station.street_code)
        organisation = Organisation(
            name=station.name, kind=OrganisationKind.SOCIAL_WORK_STATION, credit_code=station.credit_code,
            contact_name=station.contact_name, contact_phone=station.contact_phone, areas=[street],
            created_at=now, updated_at=now,
        )  # fmt: skip
        uow.organisations.add(organisation)
        contract = Contract(
            code=station.contract_code, organisation_id=organisation.id, first_day=station.contract_first,
            last_day=station.contract_last, monthly_quota=MONTHLY_QUOTA, pays_not_found=False,
            area_id=street.id, areas=[street], created_at=now, updated_at=now,
            prices=[
                ContractPrice(kind=VisitKind.HOME, unit_price=HOME_PRICE),
                ContractPrice(kind=VisitKind.PHONE, unit_price=PHONE_PRICE),
            ],
        )  # fmt: skip
        uow.contracts.add(contract)
        staff = uow.workers.by_accounts([p.account for p in accounts])
        for person in accounts:
            staff[person.account].profile = VisitorProfile(
                kind=None if person.kind is None else VisitorKind(person.kind),
                organisation_id=organisation.id, work_weekdays=person.weekdays,
            )  # fmt: skip
        people = uow.elders.by_id_numbers([n for p in station.pairs for n in p.id_numbers])
        for pairs in station.pairs:
            for number in pairs.id_numbers:
                uow.pairings.add(
                    Pairing(
                        elder_id=people[number].id,
                        visitor_id=staff[pairs.account].id if pairs.account else None,
                        organisation_id=organisation.id,
                        contract_id=contract.id if pairs.under_contract else None,
                        first_day=station.contract_first, created_at=now,
                    )
                )  # fmt: skip
        uow.commit()
    _set_passwords(make_uow(), [p.account for p in accounts], password)
    return {"visitors": len(station.visitors), "paired": station.paired}
