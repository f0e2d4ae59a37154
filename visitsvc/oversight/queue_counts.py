"""How much waits in a supervisor's queues: the overview's counts, each matching its list."""

from __future__ import annotations

from dataclasses import dataclass

from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month


@dataclass(frozen=True, slots=True)
class Waiting:
    follow_ups: int  # open or in progress (the follow-up list's default)
    flags: int  # open proof-of-visit flags of the month's visits
    proposals: int  # status changes pending a decision
    quarantined: int  # late records waiting to be accepted or rejected


def waiting(uow: UnitOfWork, *, caller: Caller, month: Month, area_code: str | None = None) -> Waiting:
    require_supervisor(caller)
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)  # NotFound outside the caller's scope
        return Waiting(**uow.review.waiting(scope, month=month))
