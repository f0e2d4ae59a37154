"""Login throttling through the API (docs/adr/0012-login-throttling.md): every check recorded before it runs,
only failures counted, per (account, address), per account and per address, growing delays and no lock-out;
the client address read behind the configured number of trusted proxies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from api.app import create_app
from tests.api.console import Console
from tests.factories import PASSWORD, District, make_worker
from visitsvc.config import Settings
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AttemptOutcome, LoginAttempt
from visitsvc.register.workers import WorkerData

ATTACKER, OWNER, OFFICE = "1.2.3.4", "5.6.7.8", "10.20.30.40"


def log_in(
    client: FlaskClient, account: str, password: str = PASSWORD, *, address: str = OWNER
) -> TestResponse:
    return client.post(
        "/api/v1/auth/token",
        json={"username": account, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def attempts(uow: UnitOfWork) -> list[tuple[str, str, AttemptOutcome]]:
    with uow:
        query = select(LoginAttempt.account, LoginAttempt.address, LoginAttempt.outcome)
        return [tuple(row) for row in uow.session.execute(query.order_by(LoginAttempt.id))]  # type: ignore[misc]


def test_an_attacker_elsewhere_does_not_keep_the_owner_out(client: FlaskClient, district: District) -> None:
    for _ in range(20):
        assert log_in(client, "w_a1", "guess-guess", address=ATTACKER).status_code in (401, 429)
    assert log_in(client, "w_a1", "guess-guess", address=ATTACKER).status_code == 429
    assert log_in(client, "w_a1", address=OWNER).status_code == 200


def test_the_attackers_own_wait_doubles_with_each_failure(
    client: FlaskClient, district: District, clock: FixedClock
) -> None:
    waits = []
    for _ in range(5):
        assert log_in(client, "w_a1", "guess-guess", address=ATTACKER).status_code == 401
    for _ in range(4):
        refused = log_in(client, "w_a1", "guess-guess", address=ATTACKER)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.advance(timedelta(seconds=waits[-1]))
        assert log_in(client, "w_a1", "guess-guess", address=ATTACKER).status_code == 401
    assert waits == [1, 2, 4, 8]


def test_a_refused_try_is_recorded_but_not_counted_as_a_failure(
    client: FlaskClient, district: District, uow: UnitOfWork, clock: FixedClock
) -> None:
    for _ in range(5):
        log_in(client, "w_a1", "guess-guess")
    for _ in range(3):
        assert log_in(client, "w_a1").status_code == 429  # hammering does not make the wait longer
    assert [outcome for *_, outcome in attempts(uow)] == [AttemptOutcome.FAILED] * 5 + [
        AttemptOutcome.REFUSED
    ] * 3
    clock.advance(timedelta(seconds=1))
    assert log_in(client, "w_a1").status_code == 200


def test_a_success_clears_the_failures_of_its_account_and_address(
    client: FlaskClient, district: District
) -> None:
    for _ in range(4):
        assert log_in(client, "w_a1", "typo-typo").status_code == 401
    assert log_in(client, "w_a1").status_code == 200
    for _ in range(4):
        assert log_in(client, "w_a1", "typo-typo").status_code == 401
    assert log_in(client, "w_a1").status_code == 200


def test_a_township_office_logging_in_at_half_past_eight_is_never_slowed(
    client: FlaskClient, district: District, uow: UnitOfWork
) -> None:
    """Forty workers behind one address, a quarter of them mistyping once: nobody waits."""
    accounts = [f"t{n:03d}" for n in range(40)]
    for account in accounts:
        make_worker(uow, WorkerData(account=account, name="网格员", grid_codes=(district.codes["grid_a1"],)))
    for n, account in enumerate(accounts):
        if n % 4 == 0:
            assert log_in(client, account, "typo-typo", address=OFFICE).status_code == 401
        assert log_in(client, account, address=OFFICE).status_code == 200


def test_one_address_trying_one_password_on_every_account_is_slowed_after_thirty(
    client: FlaskClient, district: District, clock: FixedClock
) -> None:
    """Account names are predictable (w001, w002, ...); unknown ones count like real ones."""
    for n in range(30):
        assert log_in(client, f"w{n:03d}", "demo1234", address=ATTACKER).status_code == 401
    slowed = log_in(client, "w_a1", "demo1234", address=ATTACKER)
    assert slowed.status_code == 429
    assert slowed.headers["Retry-After"] == "1"
    # Another address is not slowed, and the budget is per fifteen minutes.
    assert log_in(client, "w_a1", address=OFFICE).status_code == 200
    clock.advance(timedelta(minutes=15))
    assert log_in(client, "w_a2", address=ATTACKER).status_code == 200


def test_a_hundred_failures_in_an_hour_from_many_addresses_slow_the_account_everywhere(
    client: FlaskClient, district: District, uow: UnitOfWork, clock: FixedClock
) -> None:
    """A botnet's spread guessing, written straight into the table (a hundred argon2 checks are slow)."""
    with uow:
        now = uow.clock.now()
        for n in range(100):
            uow.session.add(
                LoginAttempt(account="w_a1", address=f"203.0.113.{n}", at=now, outcome=AttemptOutcome.FAILED)
            )
        uow.commit()
    assert log_in(client, "w_a1", address=OWNER).status_code == 429
    clock.advance(timedelta(seconds=1))
    assert log_in(client, "w_a1", address=OWNER).status_code == 200


def proxied_app(
    settings: Settings, sessions: sessionmaker[Session], clock: FixedClock, proxies: int
) -> Flask:
    app = create_app(
        Settings(settings.database_url, settings.secret_key, settings.environment, trusted_proxies=proxies),
        sessions=sessions,
        clock=clock,
    )
    app.testing = True
    return app


def failed_login_through_a_proxy(app: Flask) -> None:
    app.test_client().post(
        "/api/v1/auth/token",
        json={"username": "w_a1", "password": "guess-guess"},
        headers={"X-Forwarded-For": "198.51.100.7, 1.2.3.4"},  # the client's claim, then our proxy's
        environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the proxy itself
    )


@pytest.mark.parametrize(
    ("proxies", "client_address"),
    [
        pytest.param(1, "1.2.3.4", id="behind one trusted proxy the last forwarded hop is the client"),
        pytest.param(0, "10.0.0.2", id="with no trusted proxy forwarded headers are ignored"),
    ],
)
def test_the_client_address_is_read_behind_the_configured_proxies(
    settings: Settings,
    sessions: sessionmaker[Session],
    clock: FixedClock,
    district: District,
    uow: UnitOfWork,
    proxies: int,
    client_address: str,
) -> None:
    failed_login_through_a_proxy(proxied_app(settings, sessions, clock, proxies=proxies))
    assert attempts(uow) == [("w_a1", client_address, AttemptOutcome.FAILED)]


def test_an_overlong_account_name_in_the_console_form_is_a_wrong_login_not_an_error(
    client: FlaskClient, district: District
) -> None:
    console = Console(client)
    response = client.post(
        "/console/login", data={"username": "w" * 500, "password": "x", "csrf_token": console.token()}
    )
    assert response.status_code == 401
