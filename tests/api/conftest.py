from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from tests.factories import PASSWORD, District, make_district
from visitsvc.config import Settings
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock

Headers = dict[str, str]


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="unused://", secret_key="t" * 48, environment="test")


@pytest.fixture
def app(settings: Settings, sessions: sessionmaker[Session], clock: FixedClock) -> Flask:
    app = create_app(settings, sessions=sessions, clock=clock)
    app.testing = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    return make_district(uow)


@pytest.fixture
def login(client: FlaskClient) -> Callable[[str], Headers]:
    """Headers of a logged-in account; each account logs in once per test."""
    cache: dict[str, Headers] = {}

    def _login(account: str) -> Headers:
        if account not in cache:
            response = client.post("/api/v1/auth/token", json={"username": account, "password": PASSWORD})
            assert response.status_code == 200, response.json
            cache[account] = {"Authorization": f"Bearer {response.json['access_token']}"}
        return cache[account]

    return _login
