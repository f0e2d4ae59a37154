"""Loading a generated district through the same 台账 import a county office uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from seed.district import Ledger
from visitsvc.access.scoping import Caller
from visitsvc.accounts.auth import hash_password
from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Role
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
