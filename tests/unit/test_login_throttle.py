"""The login throttle's arithmetic: free failures, then a delay doubling per failure from the last, capped."""

from __future__ import annotations

from datetime import datetime, timedelta

from visitsvc.access.login_throttle import Budget, Failures, LoginLimits, retry_after
from visitsvc.kernel.clock import SHANGHAI

NOW = datetime(2026, 12, 1, 8, 30, tzinfo=SHANGHAI)
PAIR = LoginLimits().pair


def failures(count: int, *, last: datetime = NOW) -> list[datetime]:
    return [last - timedelta(seconds=i) for i in range(count)]


def test_four_failures_cost_nothing_and_the_fifth_makes_the_next_try_wait_a_second() -> None:
    assert PAIR.wait(failures(4), NOW) == timedelta(0)
    assert PAIR.wait(failures(5), NOW) == timedelta(seconds=1)


def test_each_further_failure_doubles_the_wait() -> None:
    assert [PAIR.wait(failures(n), NOW).total_seconds() for n in range(5, 11)] == [1, 2, 4, 8, 16, 32]


def test_the_wait_is_capped_at_fifteen_minutes() -> None:
    assert PAIR.wait(failures(15), NOW) == timedelta(minutes=15)
    assert PAIR.wait(failures(5000), NOW) == timedelta(minutes=15)


def test_the_wait_counts_from_the_last_failure() -> None:
    recorded = failures(6)  # 2 s to wait from the last one
    assert PAIR.wait(recorded, NOW + timedelta(seconds=1)) == timedelta(seconds=1)
    assert PAIR.wait(recorded, NOW + timedelta(seconds=2)) == timedelta(0)


def test_failures_outside_the_window_do_not_count() -> None:
    budget = Budget(free=30, window=timedelta(minutes=15))
    old = failures(30, last=NOW - timedelta(minutes=16))
    assert budget.wait(old, NOW) == timedelta(0)
    assert budget.wait([*old, *failures(29)], NOW) == timedelta(0)


def test_the_longest_of_the_three_waits_applies_in_whole_seconds() -> None:
    limits = LoginLimits()
    seen = Failures(pair=failures(5), account=failures(100), address=failures(33))
    assert retry_after(limits, seen, NOW) == 8  # the address's 33 failures: 3 past its 30 free
    assert retry_after(limits, Failures(pair=[], account=[], address=[]), NOW) == 0


def test_the_numbers_the_readme_states() -> None:
    limits = LoginLimits()
    assert (limits.pair.free, limits.pair.window) == (5, timedelta(hours=24))
    assert (limits.account.free, limits.account.window) == (100, timedelta(hours=1))
    assert (limits.address.free, limits.address.window) == (30, timedelta(minutes=15))
    assert {b.first_delay for b in (limits.pair, limits.account, limits.address)} == {timedelta(seconds=1)}
    assert {b.max_delay for b in (limits.pair, limits.account, limits.address)} == {timedelta(minutes=15)}
