"""No personal number reaches a log: a 500's log line names the error's type, the method and the path, and
its trace holds frames only, whatever the database put in the error's text."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.api.conftest import Headers
from tests.api.console import Console
from tests.factories import District
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.register import elder_reads

Login = Callable[[str], Headers]
NUMBER = "330106195001020090"
PHONE = "13900001111"


def leak(uow: UnitOfWork, **_: object) -> NoReturn:
    """A real statement failing with an ID number and a phone bound to it: a unique violation, whose text
    on PostgreSQL repeats the key ("DETAIL: Key (id_number)=(...)")."""
    with uow:
        uow.session.execute(
            text("CREATE TEMPORARY TABLE leak (id_number VARCHAR(18) UNIQUE, phone VARCHAR(11))")
        )
        insert = text("INSERT INTO leak (id_number, phone) VALUES (:id_number, :phone)")
        for _ in range(2):
            uow.session.execute(insert, {"id_number": NUMBER, "phone": PHONE})
    raise AssertionError("the second insert must fail")


def test_a_database_error_logs_no_bound_value_and_no_query_string(
    client: FlaskClient,
    district: District,
    login: Login,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(elder_reads, "list_elders", leak)
    with caplog.at_level("INFO"):
        response = client.get("/api/v1/elders", query_string={"q": "王秀英"}, headers=login("sup_a"))
    assert response.status_code == 500
    assert response.json == {"code": "internal_error", "message": "服务器内部错误", "errors": {}}
    logged = caplog.text
    assert NUMBER not in logged
    assert PHONE not in logged
    assert "王秀英" not in logged, "no query string"
    assert "sqlalchemy.exc.IntegrityError" in logged
    assert "GET /api/v1/elders" in logged
    assert "in leak" in logged, "the frames are there"


def test_a_console_error_logs_no_bound_value(
    client: FlaskClient,
    district: District,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    console = Console(client)
    console.login("sup_a")
    monkeypatch.setattr(elder_reads, "get_elder", leak)
    with caplog.at_level("INFO"):
        page = console.get(f"/console/elders/{district.elders['elder_a1']}", month="2026-11")
    assert page.status_code == 500
    assert "系统出错" in page.text
    assert NUMBER not in caplog.text
    assert PHONE not in caplog.text
    assert f"GET /console/elders/{district.elders['elder_a1']}" in caplog.text
