"""A grid worker reports being away (请假/报病) from the phone, or a supervisor records it at the console's
desk: the absence is stored, and when it covers today the worker's day is re-planned at once, as a
supervisor's `POST /replan` would, so that today's visits go to later days or to colleagues while there is
still a day to make them.

Two transactions, by design (docs/adr/0014, item 5): the absence is committed first, then the re-plan runs
as the system under the month's lease (docs/adr/0009). A re-plan that refuses (no plan for the month yet, a
plan run holding the lease) never takes the absence with it: the answer says so, and the nightly re-plan
moves the visits. Who triggered a re-plan is audited beside the plan version the system wrote.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from visitsvc.access.scoping import ROOT_PATH, Caller, filing_path
from visitsvc.accounts import audit
from visitsvc.infrastructure import tracebacks
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import DomainError, Forbidden
from visitsvc.model import AbsenceKind
from visitsvc.planning import replanning
from visitsvc.planning.replanning import ReplanOutcome
from visitsvc.register import absences
from visitsvc.register.absences import AbsenceRead

TRIGGERED = "absence.replan_today"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReplanSummary:
    """What became of today's re-plan, in the few figures a phone shows."""

    done: bool  # False: refused; the nightly re-plan will move the visits
    version: int | None  # the plan version now current (None when refused)
    created: bool  # a new version was written (False: nothing needed to move, or refused)
    moved: int  # owed visits now on another day or worker
    to_colleagues: int  # of them, taken on by a worker of another grid
    refused: str | None  # the refusal's code: not_found (no plan this month), plan_running, ...
    message: str | None

    @classmethod
    def of(cls, outcome: ReplanOutcome) -> ReplanSummary:
        return cls(True, outcome.version, outcome.created, outcome.moved, outcome.to_colleagues, None, None)

    @classmethod
    def deferred(cls, refusal: DomainError) -> ReplanSummary:
        return cls(False, None, False, 0, 0, refusal.code, f"{refusal.message}；今晚的重新规划会处理")


@dataclass(frozen=True, slots=True)
class AbsenceReport:
    absence: AbsenceRead
    replan: ReplanSummary | None  # None: the absence does not cover today; the nightly re-plan moves it


def report_absence(
    uow: UnitOfWork,
    *,
    caller: Caller,
    first_day: date,
    last_day: date,
    kind: AbsenceKind,
    note: str | None = None,
    worker_id: int | None = None,
) -> AbsenceReport:
    """An absence, today's part of it re-planned at once: the caller's own (`worker_id` None: the phone), or
    one of their workers' that a supervisor takes at the desk (a sick call in the morning), which
    absences.add_absence allows supervisors for their own area only."""
    worker_id = caller.worker_id if worker_id is None else worker_id
    if worker_id is None:
        raise Forbidden("仅限登录的工作人员")
    absence = absences.add_absence(
        uow, caller=caller, worker_id=worker_id, first_day=first_day, last_day=last_day, kind=kind, note=note
    )
    today = uow.clock.today()
    if not absence.covers(today):
        return AbsenceReport(absence, None)
    try:
        # As the system: a grid worker may not re-plan (require_register_writer), but their own sick day is
        # exactly what a supervisor would re-plan for them; the audit entry below says who asked.
        summary = ReplanSummary.of(
            replanning.replan_today(uow, caller=Caller.system(), worker_id=absence.worker_id, day=today)
        )
    except DomainError as refusal:
        summary = ReplanSummary.deferred(refusal)
    except Exception as exc:
        # The absence is stored: a 500 would have the phone retry it into a 409. Logged by type and frames
        # only (an error's text may hold personal data); the nightly re-plan tries again.
        log.error("same-morning re-plan failed: %s", tracebacks.safe_traceback(exc))
        summary = ReplanSummary.deferred(DomainError("今天的重新规划未能完成", code="replan_failed"))
    _audit(uow, caller, absence, summary)
    return AbsenceReport(absence, summary)


def _audit(uow: UnitOfWork, caller: Caller, absence: AbsenceRead, summary: ReplanSummary) -> None:
    """Its own transaction: the re-plan has committed (or refused) by now."""
    with uow:
        worker = uow.workers.find_by_account_id(absence.worker_id)
        details: dict[str, object] = {"absence_id": absence.id, "done": summary.done}
        if summary.done:
            details |= {"version": summary.version, "created": summary.created, "moved": summary.moved}
        else:
            details["refused"] = summary.refused
        audit.record(
            uow,
            caller,
            action=TRIGGERED,
            record_type="worker",
            record_id=absence.worker_id,
            area_path=ROOT_PATH if worker is None else filing_path(worker),
            details=details,
        )
        uow.commit()
