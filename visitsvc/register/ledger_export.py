"""Exporting the 台账: the register in the import's columns, masked unless an admin asks (and is audited)."""

from __future__ import annotations

from dataclasses import dataclass

from visitsvc.access.scoping import Caller, require_admin, require_register_writer
from visitsvc.accounts import audit
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.spreadsheet import write_csv, write_xlsx
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber, phone_numbers
from visitsvc.model import Elder
from visitsvc.register.ledger_format import EXPORT_COLUMNS, MASKED_EXPORT_COLUMNS, elder_to_row


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    media_type: str
    content: bytes
    rows: int


def export_elders(
    uow: UnitOfWork, *, caller: Caller, area_code: str | None, fmt: str, unmask: bool = False
) -> Export:
    """The register in the import's columns; unmasked (and then re-importable as is) only for admins."""
    require_register_writer(caller)
    if unmask:
        require_admin(caller)
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        # Pseudonymised people (retention_rules) are statistics, not register entries: an unmasked export
        # stays re-importable as is.
        rows = [
            _export_row(e, unmask)
            for e in uow.elders.iterate(scope, ElderFilter())
            if e.pseudonymised_at is None
        ]
        audit.record(
            uow,
            caller,
            action="ledger.export",
            record_type="ledger",
            record_id=None,
            area_path=scope.home_path,
            details={"area": area_code, "format": fmt, "rows": len(rows), "unmasked": unmask},
        )
        uow.commit()
    stamp = uow.clock.today().strftime("%Y%m%d")
    columns = EXPORT_COLUMNS if unmask else MASKED_EXPORT_COLUMNS
    if fmt == "xlsx":
        return Export(f"elders-{stamp}.xlsx", XLSX, write_xlsx(columns, rows), len(rows))
    return Export(f"elders-{stamp}.csv", CSV, write_csv(columns, rows), len(rows))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _export_row(elder: Elder, unmask: bool) -> list[str]:
    def show(value: str | None) -> str:
        if value is None:
            return ""
        return value if unmask else phone_numbers.mask_phone(value)

    id_number = elder.id_number if unmask else idnumber.mask(elder.id_number)
    # Masked, the year only (under 出生年份): with the full date the masked number would be whole again.
    birth = elder.birth_date.isoformat() if unmask else str(elder.birth_date.year)
    return elder_to_row(
        elder,
        id_number=id_number,
        birth=birth,
        phone=show(elder.phone),
        emergency_phone=show(elder.emergency_phone),
    )
