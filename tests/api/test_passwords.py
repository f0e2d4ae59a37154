"""Passwords people can manage: POST /api/v1/me/password, a password an admin handed out must be replaced at
the next login (403 password_change_required until then), the console's 修改密码 page, and production's
refusal to serve while a demo password is left."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from api.app import create_app
from seed.load import _set_passwords
from tests.api.conftest import Headers
from tests.api.console import Console
from tests.conftest import TEST_DATA_KEYS, TEST_INDEX_KEY
from tests.factories import PASSWORD, District
from visitsvc.config import ConfigError, Settings
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import AuditEntry, Worker

NEW = "桂花苑三幢二单元的雨天"  # eleven characters, not common
HANDED_OUT = "handed-out-1"


def token(client: FlaskClient, account: str, password: str = PASSWORD) -> TestResponse:
    return client.post("/api/v1/auth/token", json={"username": account, "password": password})


def bearer(pair: TestResponse) -> Headers:
    return {"Authorization": f"Bearer {pair.json['access_token']}"}  # type: ignore[index]


def change(client: FlaskClient, headers: Headers, current: str, new: str) -> TestResponse:
    return client.post(
        "/api/v1/me/password", json={"current_password": current, "new_password": new}, headers=headers
    )


def test_a_worker_changes_their_own_password(client: FlaskClient, district: District) -> None:
    session = bearer(token(client, "w_a1"))
    assert change(client, session, PASSWORD, NEW).status_code == 204
    assert token(client, "w_a1").status_code == 401
    assert token(client, "w_a1", NEW).status_code == 200


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(
    client: FlaskClient, district: District
) -> None:
    phone, desk = token(client, "w_a1"), token(client, "w_a1")
    assert change(client, bearer(desk), PASSWORD, NEW).status_code == 204
    assert client.get("/api/v1/areas", headers=bearer(desk)).status_code == 200
    assert client.get("/api/v1/areas", headers=bearer(phone)).status_code == 401
    lost = client.post("/api/v1/auth/refresh", json={"refresh_token": phone.json["refresh_token"]})  # type: ignore[index]
    assert lost.status_code == 401


def test_a_password_change_is_audited_without_the_password(
    client: FlaskClient, district: District, uow: UnitOfWork
) -> None:
    change(client, bearer(token(client, "w_a1")), PASSWORD, NEW)
    with uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "worker.password_change")
        ).one()
    assert (entry.actor_id, entry.record_id) == (district.accounts["w_a1"], str(district.accounts["w_a1"]))
    assert NEW not in str(entry.details)
    assert PASSWORD not in str(entry.details)


def test_a_wrong_current_password_is_a_field_error(client: FlaskClient, district: District) -> None:
    response = change(client, bearer(token(client, "w_a1")), "not-the-password", NEW)
    assert response.status_code == 422
    assert response.json["errors"] == {"current_password": ["当前密码不正确"]}  # type: ignore[index]


def test_guessing_the_current_password_goes_through_the_login_throttle(
    client: FlaskClient, district: District
) -> None:
    session = bearer(token(client, "w_a1"))
    for _ in range(5):
        assert change(client, session, "guess-guess", NEW).status_code == 422
    throttled = change(client, session, PASSWORD, NEW)
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "1"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-pw9", "密码至少 10 位"),
        ("12345678", "密码过于常见，请换一个"),
        ("password123", "密码过于常见，请换一个"),
        (PASSWORD, "新密码不能与当前密码相同"),
    ],
)
def test_a_weak_new_password_is_refused_and_nothing_changes(
    client: FlaskClient, district: District, new: str, message: str
) -> None:
    response = change(client, bearer(token(client, "w_a1")), PASSWORD, new)
    assert response.status_code == 422
    assert message in response.json["errors"]["new_password"]  # type: ignore[index]
    assert token(client, "w_a1").status_code == 200


def test_the_account_name_is_not_a_password(client: FlaskClient, district: District, uow: UnitOfWork) -> None:
    with uow:
        uow.session.execute(update(Worker).where(Worker.account == "w_a1").values(account="wang_xiuying"))
        uow.commit()
    response = change(client, bearer(token(client, "wang_xiuying")), PASSWORD, "Wang_XiuYing")
    assert response.json["errors"]["new_password"] == ["密码不能与账号相同"]  # type: ignore[index]


def admin_sets(client: FlaskClient, district: District, account: str, password: str = HANDED_OUT) -> None:
    response = client.patch(
        f"/api/v1/workers/{district.accounts[account]}",
        json={"password": password},
        headers=bearer(token(client, "admin")),
    )
    assert response.status_code == 200, response.json


def test_a_password_an_admin_set_must_be_changed_before_anything_else(
    client: FlaskClient, district: District
) -> None:
    admin_sets(client, district, "w_a1")
    pair = token(client, "w_a1", HANDED_OUT)
    assert pair.status_code == 200
    assert pair.json["password_change_required"] is True  # type: ignore[index]
    refused = client.get("/api/v1/me/route", headers=bearer(pair))
    assert refused.status_code == 403
    assert refused.json["code"] == "password_change_required"  # type: ignore[index]
    assert client.get("/api/v1/areas", headers=bearer(pair)).status_code == 403
    # Refreshing keeps the phone's session alive meanwhile; changing the password lifts the block.
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": pair.json["refresh_token"]})  # type: ignore[index]
    assert renewed.status_code == 200
    assert change(client, bearer(renewed), HANDED_OUT, NEW).status_code == 204
    assert client.get("/api/v1/areas", headers=bearer(renewed)).status_code == 200
    assert token(client, "w_a1", NEW).json["password_change_required"] is False  # type: ignore[index]


def test_logging_out_is_allowed_while_a_change_is_pending(client: FlaskClient, district: District) -> None:
    admin_sets(client, district, "w_a1")
    pair = token(client, "w_a1", HANDED_OUT)
    assert client.post("/api/v1/auth/logout", headers=bearer(pair)).status_code == 204


def test_a_new_account_given_a_password_by_an_admin_must_change_it(
    client: FlaskClient, district: District
) -> None:
    created = client.post(
        "/api/v1/workers",
        json={
            "account": "w_new",
            "name": "新网格员",
            "role": "grid_worker",
            "grid_codes": [district.codes["grid_a1"]],
            "password": HANDED_OUT,
        },
        headers=bearer(token(client, "admin")),
    )
    assert created.status_code == 201, created.json
    assert token(client, "w_new", HANDED_OUT).json["password_change_required"] is True  # type: ignore[index]


def test_the_console_sends_such_an_account_to_the_password_page_first(
    client: FlaskClient, district: District
) -> None:
    admin_sets(client, district, "sup_a")
    console = Console(client)
    login = console.login("sup_a", HANDED_OUT)
    assert login.headers["Location"] == "/console/password"
    assert console.get("/console/missed").headers["Location"] == "/console/password"
    page = console.get("/console/password")
    assert page.status_code == 200
    assert "管理员设置" in page.text
    mismatch = console.post(
        "/console/password",
        {"current_password": HANDED_OUT, "new_password": NEW, "new_password_again": NEW + "x"},
        form_page="/console/password",
    )
    assert mismatch.status_code == 422
    assert "两次输入的新密码不一致" in mismatch.text
    done = console.post(
        "/console/password",
        {"current_password": HANDED_OUT, "new_password": NEW, "new_password_again": NEW},
        form_page="/console/password",
    )
    assert done.status_code == 303
    assert console.get("/console/missed").status_code == 200


def test_the_console_password_form_needs_its_csrf_token(client: FlaskClient, district: District) -> None:
    console = Console(client)
    console.login("sup_a")
    refused = client.post(
        "/console/password",
        data={"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )
    assert refused.status_code == 400
    assert token(client, "sup_a").status_code == 200


ProductionApp = Callable[[], object]


@pytest.fixture
def production_app(sessions: sessionmaker[Session], clock: FixedClock) -> ProductionApp:
    settings = Settings(
        database_url="unused://",
        secret_key="p" * 48,
        environment="production",
        data_keys=TEST_DATA_KEYS,
        index_key=TEST_INDEX_KEY,
    )
    return lambda: create_app(settings, sessions=sessions, clock=clock)


def test_production_refuses_to_start_while_an_account_has_the_demo_password(
    production_app: ProductionApp, district: District, uow: UnitOfWork
) -> None:
    with uow:
        uow.session.execute(update(Worker).where(Worker.account == "w_a1").values(password_is_demo=True))
        uow.commit()
    with pytest.raises(ConfigError, match="demo password"):
        production_app()


def test_production_starts_once_no_demo_password_is_left(
    production_app: ProductionApp, district: District
) -> None:
    production_app()


def test_a_changed_password_is_no_longer_the_demo_one(
    client: FlaskClient, district: District, uow: UnitOfWork, production_app: ProductionApp
) -> None:
    with uow:
        uow.session.execute(update(Worker).values(password_is_demo=True))
        uow.session.execute(update(Worker).where(Worker.account != "w_a1").values(password_is_demo=False))
        uow.commit()
    # Outside production a demo account is not asked to change its password...
    session = bearer(token(client, "w_a1"))
    assert client.get("/api/v1/areas", headers=session).status_code == 200
    # ...and once its owner chose one, production may start.
    assert change(client, session, PASSWORD, NEW).status_code == 204
    production_app()


def test_the_seed_marks_its_demo_passwords(district: District, uow: UnitOfWork) -> None:
    _set_passwords(uow, ["w_a1", "sup_a"], "demo1234")
    with uow:
        marked = set(uow.session.scalars(select(Worker.account).where(Worker.password_is_demo.is_(True))))
        must_change = set(uow.session.scalars(select(Worker.account).where(Worker.password_must_change)))
    assert marked == {"w_a1", "sup_a"}
    assert must_change == set()  # demo accounts are exempt outside production (where they cannot be served)
