"""How long a password check must wait, from the failures already recorded (pure; docs/adr/0012).

Three budgets, each "so many failures free in a window, then a delay that doubles per further failure,
counted from the last one, capped": per (account, client address), per account across all addresses, per
address across all accounts. Only failures count, so correct logins never slow anyone down; the tight
budget is per pair, so an attacker elsewhere cannot make the owner of an account wait.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Budget:
    free: int  # failures in the window before any delay
    window: timedelta
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)

    def wait(self, failures: Sequence[datetime], now: datetime) -> timedelta:
        """How long from `now` until the next check may run, given the failures (any order) in the window."""
        recent = [at for at in failures if at > now - self.window]
        if len(recent) < self.free:
            return timedelta(0)
        doublings = len(recent) - self.free
        # 2**doublings grows without bound; past the cap it no longer matters.
        delay = self.max_delay if doublings > 30 else min(self.first_delay * 2**doublings, self.max_delay)
        return max(timedelta(0), max(recent) + delay - now)


@dataclass(frozen=True, slots=True)
class LoginLimits:
    # One person guessing at one account: 5 tries, then 1 s, 2 s, 4 s ... 15 min. A success clears it.
    pair: Budget = Budget(free=5, window=timedelta(hours=24))
    # Many addresses at one account (a botnet): far above what its owner and a colleague's typos reach.
    account: Budget = Budget(free=100, window=timedelta(hours=1))
    # One address at many accounts (one password on every account): a township office's typos fit.
    address: Budget = Budget(free=30, window=timedelta(minutes=15))

    @property
    def longest_window(self) -> timedelta:
        return max(self.pair.window, self.account.window, self.address.window)

    def since(self, now: datetime) -> Windows:
        return Windows(now - self.pair.window, now - self.account.window, now - self.address.window)


@dataclass(frozen=True, slots=True)
class Windows:
    """Where each budget's window starts."""

    pair: datetime
    account: datetime
    address: datetime


@dataclass(frozen=True, slots=True)
class Failures:
    """Failure times (including checks still running) seen when an attempt asks to go ahead."""

    pair: Sequence[datetime]
    account: Sequence[datetime]
    address: Sequence[datetime]


def retry_after(limits: LoginLimits, failures: Failures, now: datetime) -> int:
    """Whole seconds to wait before a check may run; 0 when it may run now."""
    wait = max(
        limits.pair.wait(failures.pair, now),
        limits.account.wait(failures.account, now),
        limits.address.wait(failures.address, now),
    )
    return math.ceil(wait.total_seconds())
