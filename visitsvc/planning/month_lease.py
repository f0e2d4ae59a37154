"""The month's planning lease: one row per month (`planning_locks`) that a plan run, a re-plan or a
supervisor's moves hold while they write a version, so that two never interleave (docs/adr/0005)."""

from __future__ import annotations

import time as clock_time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.errors import Conflict
from visitsvc.kernel.month import Month

LOCK_LEASE = timedelta(hours=1)  # a run killed with -9 leaves its lease; after this the next run takes over


def hold_month(
    uow: UnitOfWork,
    month: Month,
    holder: str,
    *,
    wait: Callable[[float], None] = clock_time.sleep,
    attempts: int | None = None,
) -> None:
    """The month's planning lease for anything else that writes a plan version (a supervisor's moves), so
    that it and a plan run never interleave. With `attempts`, give up after that many tries (Conflict)."""
    _acquire(uow, f"plan:{month}", holder, wait, attempts)


def release_month(uow: UnitOfWork, month: Month, holder: str) -> None:
    with uow:
        uow.planning_locks.release(f"plan:{month}", holder)
        uow.commit()


def _acquire(
    uow: UnitOfWork, lock: str, holder: str, wait: Callable[[float], None], attempts: int | None = None
) -> None:
    """Take the month's lease, waiting for a running plan to finish (its result is then reused)."""
    tries = 0
    while True:
        with uow:
            try:
                uow.planning_locks.take(lock, holder, uow.clock.now())
                uow.commit()
                return
            except IntegrityError:
                uow.rollback()
            held = uow.planning_locks.find(lock)
            if held is not None and held.acquired_at < uow.clock.now() - LOCK_LEASE:
                uow.planning_locks.release(lock, held.holder)  # its run died; the lease has run out
                uow.commit()
                continue
        tries += 1
        if attempts is not None and tries >= attempts:
            raise Conflict("本月计划正在生成，请稍后重试", code="plan_running")
        wait(0.5)
