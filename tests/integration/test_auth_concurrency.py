"""Logins and refreshes arriving at once, each thread with its own unit of work on a real engine (SQLite and
PostgreSQL): no password check goes unrecorded, and one refresh token gives one new pair."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import NOW
from tests.factories import PASSWORD, make_district
from visitsvc.accounts import auth
from visitsvc.config import Settings
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.kernel.errors import DomainError
from visitsvc.model import AttemptOutcome, LoginAttempt

pytestmark = pytest.mark.db
SETTINGS = Settings(database_url="unused://", secret_key="t" * 48, environment="test")
T = TypeVar("T")


def all_at_once(calls: list[Callable[[], T]]) -> list[T | DomainError]:
    """Run the calls in threads released together by a barrier; what each returned or raised."""
    start = threading.Barrier(len(calls))
    results: list[T | DomainError] = []
    unexpected: list[BaseException] = []

    def run(call: Callable[[], T]) -> None:
        start.wait()
        try:
            results.append(call())
        except DomainError as error:
            results.append(error)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            unexpected.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert unexpected == []
    assert len(results) == len(calls)
    return results


def outcomes(fresh: sessionmaker[Session]) -> Counter[AttemptOutcome]:
    with UnitOfWork(fresh) as uow:
        return Counter(uow.session.scalars(select(LoginAttempt.outcome)))


def bad_login(fresh: sessionmaker[Session], account: str) -> Callable[[], auth.TokenPair]:
    return lambda: auth.login(
        UnitOfWork(fresh, FixedClock(NOW)),
        settings=SETTINGS,
        account=account,
        password="guess-guess",
        address="1.2.3.4",
    )


def test_twelve_bad_logins_at_once_on_twelve_accounts_record_twelve_failures(
    fresh: sessionmaker[Session],
) -> None:
    results = all_at_once([bad_login(fresh, f"w{n:03d}") for n in range(12)])
    assert [getattr(r, "code", None) for r in results] == ["bad_credentials"] * 12
    assert outcomes(fresh) == {AttemptOutcome.FAILED: 12}


def test_twelve_bad_logins_at_once_on_one_account_check_at_most_five_passwords(
    fresh: sessionmaker[Session],
) -> None:
    """Each check is recorded before it runs and counts the ones recorded before it (still running counts
    as failing): the burst gets the five argon2 checks five failures in a row would, and all twelve are on
    record."""
    make_district(UnitOfWork(fresh, FixedClock(NOW)))
    codes = Counter(getattr(r, "code", None) for r in all_at_once([bad_login(fresh, "w_a1")] * 12))
    assert codes == {"bad_credentials": 5, "too_many_attempts": 7}
    assert outcomes(fresh) == {AttemptOutcome.FAILED: 5, AttemptOutcome.REFUSED: 7}


def test_two_refreshes_of_one_token_at_once_give_one_new_pair(fresh: sessionmaker[Session]) -> None:
    make_district(UnitOfWork(fresh, FixedClock(NOW)))
    first = auth.login(
        UnitOfWork(fresh, FixedClock(NOW)), settings=SETTINGS, account="w_a1", password=PASSWORD, address="x"
    )

    def use() -> auth.TokenPair:
        uow = UnitOfWork(fresh, FixedClock(NOW))
        return auth.refresh(uow, settings=SETTINGS, refresh_token=first.refresh_token)

    results = all_at_once([use, use])
    pairs = [r for r in results if isinstance(r, auth.TokenPair)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(pairs) == 1
    assert [r.code for r in refused] == ["invalid_token"]
    # The loser's refusal did not end the session: the winner's pair still works.
    auth.authenticate(UnitOfWork(fresh, FixedClock(NOW)), access_token=pairs[0].access_token)
