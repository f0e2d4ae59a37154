"""Statements for payment (结算) as a service: read one organisation's month, compute it, export it.

Who may: supervisors and admins whose scope covers the organisation (it serves an area that meets theirs),
and the organisation's own coordinator; everyone else with a role that never reads statements is refused
(403), and an organisation outside the caller's scope is not found (404), like a missing one.
"""

from __future__ import annotations

from visitsvc.access.scoping import ROOT_PATH, Caller, require_role
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import Organisation, Role
from visitsvc.settlement import statement_xlsx
from visitsvc.settlement.statement import Inputs, Statement, compute, mask_name
from visitsvc.settlement.statement_xlsx import Export

READERS = (Role.SUPERVISOR, Role.ADMIN, Role.COORDINATOR)


def get_statement(uow: UnitOfWork, *, caller: Caller, organisation_id: int, month: Month) -> Statement:
    """The organisation's statement of the month as the records stand now (a flag decided later, a visit
    voided later, changes it: nothing is stored)."""
    with uow:
        return _compute(uow, caller, organisation_id, month)


def export_statement(uow: UnitOfWork, *, caller: Caller, organisation_id: int, month: Month) -> Export:
    """The statement as XLSX, names masked, audited (`statement.export`)."""
    with uow:
        statement = _compute(uow, caller, organisation_id, month)
        organisation = uow.organisations.get(organisation_id)
        audit.record(
            uow, caller, action="statement.export", record_type="organisation", record_id=organisation_id,
            area_path=filing_path(organisation),
            details={"month": str(month), "recorded": statement.recorded,
                     "delivered": len(statement.delivered), "amount": str(statement.amount)},
        )  # fmt: skip
        uow.commit()
    return statement_xlsx.export(statement)


def visible_organisations(uow: UnitOfWork, *, caller: Caller) -> list[Organisation]:
    """The organisations whose statements the caller may read (the console's picker)."""
    require_role(caller, *READERS, action="查看结算单")
    with uow:
        return [o for o in uow.organisations.all() if caller.scope.covers_organisation(o)]


def filing_path(organisation: Organisation) -> str:
    """An organisation's records are filed under the first area it serves (model.organisation)."""
    return organisation.areas[0].path if organisation.areas else ROOT_PATH


def _compute(uow: UnitOfWork, caller: Caller, organisation_id: int, month: Month) -> Statement:
    require_role(caller, *READERS, action="查看结算单")
    organisation = uow.organisations.get_in(caller.scope, organisation_id)
    staff = uow.organisations.staff(organisation.id)
    records = uow.deliveries.records_of_workers((w.id for w in staff), month)
    visit_ids = [r.id for r in records]
    elder_ids = {r.elder_id for r in records}
    elders = uow.elders.by_ids(elder_ids)
    return compute(
        Inputs(
            organisation_id=organisation.id,
            organisation_name=organisation.name,
            month=month,
            records=records,
            contracts=uow.contracts.of_organisation(organisation.id),
            pairings=uow.pairings.overlapping(month.first, month.last, elder_ids) if elder_ids else [],
            flags=uow.deliveries.flags_of(visit_ids),
            photos=uow.deliveries.photo_counts(visit_ids),
            elder_names={i: mask_name(e.name) for i, e in elders.items()},
            worker_names={w.id: w.name for w in staff},
            visitor_kinds={w.id: w.kind for w in staff},
        )
    )
