"""Lookups that tell more than the caller's own records show: allowances per caller, read from the audit log.

Registering or correcting a person, or importing a 台账, must say when the number is already registered in
another area (two areas must not both care for one person), and that answer is itself a fact about another
area's register. Each such answer (`registered_elsewhere`) is audited with a masked number and the route, and
counted per caller: once a caller has had LOOKUPS_PER_HOUR of them within the last hour, every lookup that
would reach beyond their area is refused (429) until the oldest one leaves the window.

A search by full ID number (`elder.search_id_number`) is the other oracle: a masked number and the birth year
leave about 33 valid candidates, and one search each tells which is the person's. So searches that find nobody
are counted the same way (MISSES_PER_HOUR), and once they are spent every search by ID number is refused,
whatever it would have found. Searches that find someone are not counted: a clerk checking paper forms finds
most people, a guesser misses about 16 times for each number found.

The counts are read from the audit log itself, so no table of their own is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from visitsvc.access.scoping import Caller
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber
from visitsvc.kernel.errors import TooManyAttempts

ACTION = "elder.registered_elsewhere"
LOOKUPS_PER_HOUR = 20
SEARCH_ACTION = "elder.search_id_number"
MISSES_PER_HOUR = 10
WINDOW = timedelta(hours=1)
MESSAGE = f"跨地区身份证号查询过于频繁（每小时最多 {LOOKUPS_PER_HOUR} 次已登记于其他地区的结果），请稍后再试"
MISS_MESSAGE = f"按身份证号查询过于频繁（每小时最多 {MISSES_PER_HOUR} 次查无此人），请稍后再试"


@dataclass(frozen=True, slots=True)
class Allowance:
    """So many audit entries of one action per caller within the last WINDOW; `misses_only`: only the entries
    that name no record (a search that found nobody)."""

    action: str
    per_hour: int
    message: str
    misses_only: bool = False


ELSEWHERE = Allowance(ACTION, LOOKUPS_PER_HOUR, MESSAGE)
SEARCH_MISSES = Allowance(SEARCH_ACTION, MISSES_PER_HOUR, MISS_MESSAGE, misses_only=True)


class Route(StrEnum):
    """Where the answer was given, as written in the audit entry."""

    CREATE = "elders.create"
    UPDATE = "elders.update"
    IMPORT = "elders.import"
    DRY_RUN = "elders.import.dry_run"


def remaining(uow: UnitOfWork, caller: Caller, allowance: Allowance = ELSEWHERE) -> tuple[int | None, int]:
    """How many more answers the caller may have this hour (None: no limit, the system itself), and in how
    many seconds the oldest counted one leaves the window."""
    if caller.worker_id is None:
        return None, 0
    now = uow.clock.now()
    used, oldest = uow.audit.count_since(
        caller.worker_id, allowance.action, now - WINDOW, misses_only=allowance.misses_only
    )
    retry_after = 1 if oldest is None else max(1, int((oldest + WINDOW - now).total_seconds()) + 1)
    return max(0, allowance.per_hour - used), retry_after


def refuse_when_spent(uow: UnitOfWork, caller: Caller, allowance: Allowance = ELSEWHERE) -> None:
    """Before looking: a caller with no answers left gets none, whatever the answer would have been (else a
    refusal would itself tell one answer from the other)."""
    left, retry_after = remaining(uow, caller, allowance)
    if left == 0:
        raise TooManyAttempts(allowance.message, retry_after=retry_after)


def before_search(uow: UnitOfWork, caller: Caller) -> None:
    """Before a search by ID number: the caller's searches run one at a time (each holds the caller's row
    until it commits its audit entry), so searches sent at once cannot all read the same count; then refused
    when the misses are spent."""
    if caller.worker_id is not None:
        uow.workers.lock(caller.worker_id)
    refuse_when_spent(uow, caller, SEARCH_MISSES)


def answer(uow: UnitOfWork, caller: Caller, hits: Sequence[tuple[str, int | None]], *, route: Route) -> None:
    """Audit `registered_elsewhere` answers (id number, spreadsheet row or None) and keep them even though the
    request fails: whatever else the unit of work held is rolled back first, the entries are committed.
    Answers beyond the caller's allowance are all refused (429), naming none, and still counted: a refused
    file must not become a free oracle."""
    if not hits:
        return
    left, _ = remaining(uow, caller)
    refused = left is not None and len(hits) > left
    uow.rollback()
    area_path = caller.scope.home_path
    for number, row in hits:
        details: dict[str, object] = {"id_number": idnumber.mask(number), "route": route.value}
        if row is not None:
            details["row"] = row
        if refused:
            details["refused"] = True
        # Neither the other person's id nor their area: the entry is read by admins of the caller's area.
        audit.record(uow, caller, action=ACTION, record_type="elder", record_id=None, area_path=area_path,
                     details=details)  # fmt: skip
    uow.commit()
    if refused:
        raise TooManyAttempts(MESSAGE, retry_after=remaining(uow, caller)[1])
