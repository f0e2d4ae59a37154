"""A grid worker shared by two streets: each supervisor's grid list speaks only for their own street."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.api.conftest import Headers
from tests.factories import SYSTEM, District, make_worker
from visitsvc.access.scoping import caller_for
from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.register import ledger_import
from visitsvc.register.ledger_format import WORKER_COLUMNS, LedgerKind
from visitsvc.register.workers import WorkerData

Login = Callable[[str], Headers]


@pytest.fixture
def shared(district: District, uow: UnitOfWork) -> int:
    """w_ab holds grid a1 (street A) and grid b1 (street B)."""
    data = WorkerData(
        account="w_ab", name="共享网格员", grid_codes=(district.codes["grid_a1"], district.codes["grid_b1"])
    )
    return make_worker(uow, data)


def grids_of(client: FlaskClient, worker_id: int, login: Login) -> list[str]:
    response = client.get(f"/api/v1/workers/{worker_id}", headers=login("admin"))
    assert response.status_code == 200, response.json
    return sorted(response.json["grid_codes"])


def test_a_supervisor_replacing_the_grid_list_keeps_the_other_streets_grids(
    client: FlaskClient, district: District, login: Login, shared: int
) -> None:
    response = client.patch(
        f"/api/v1/workers/{shared}", json={"grid_codes": [district.codes["grid_a2"]]}, headers=login("sup_a")
    )
    assert response.status_code == 200, response.json
    assert grids_of(client, shared, login) == sorted([district.codes["grid_a2"], district.codes["grid_b1"]])


def test_an_empty_list_gives_up_only_the_supervisors_own_grids(
    client: FlaskClient, district: District, login: Login, shared: int
) -> None:
    response = client.patch(f"/api/v1/workers/{shared}", json={"grid_codes": []}, headers=login("sup_a"))
    assert response.status_code == 200, response.json
    assert grids_of(client, shared, login) == [district.codes["grid_b1"]]
    assert client.get(f"/api/v1/workers/{shared}", headers=login("sup_a")).status_code == 404
    assert client.get(f"/api/v1/workers/{shared}", headers=login("sup_b")).status_code == 200


def test_listing_a_held_grid_of_another_street_changes_nothing_and_is_no_error(
    client: FlaskClient, district: District, login: Login, shared: int
) -> None:
    """What GET showed can be sent back: a read-modify-write by the other street's supervisor works."""
    sent = {"grid_codes": [district.codes["grid_a1"], district.codes["grid_b1"]], "name": "共享网格员甲"}
    response = client.patch(f"/api/v1/workers/{shared}", json=sent, headers=login("sup_a"))
    assert response.status_code == 200, response.json
    assert grids_of(client, shared, login) == sorted([district.codes["grid_a1"], district.codes["grid_b1"]])


def test_a_shared_workers_name_can_be_corrected_by_either_supervisor(
    client: FlaskClient, login: Login, shared: int
) -> None:
    for account in ("sup_a", "sup_b"):
        response = client.patch(f"/api/v1/workers/{shared}", json={"name": account}, headers=login(account))
        assert response.status_code == 200, response.json


def test_a_grid_of_another_street_cannot_be_added(
    client: FlaskClient, district: District, login: Login
) -> None:
    worker = district.accounts["w_a1"]
    sent = {"grid_codes": [district.codes["grid_a1"], district.codes["grid_b1"]]}
    response = client.patch(f"/api/v1/workers/{worker}", json=sent, headers=login("sup_a"))
    assert response.status_code == 422
    assert "grid_codes" in response.json["errors"]
    assert grids_of(client, worker, login) == [district.codes["grid_a1"]]


def test_the_worker_ledger_import_keeps_the_other_streets_grids_too(
    client: FlaskClient, district: District, login: Login, shared: int, uow: UnitOfWork
) -> None:
    with uow:
        supervisor = caller_for(uow.workers.get(SYSTEM.scope, district.accounts["sup_a"]))
    cells = dict.fromkeys(WORKER_COLUMNS, "")
    cells.update(
        {
            "账号": "w_ab",
            "姓名": "共享网格员",
            "负责网格": district.codes["grid_a2"],
            "出行方式": "电动车",
            "每日工时": "4",
        }
    )
    table = Table(headers=list(WORKER_COLUMNS), rows=[(2, cells)])
    result = ledger_import.import_table(uow, caller=supervisor, kind=LedgerKind.WORKERS, table=table)
    assert (result.updated, result.errors) == (1, [])
    assert grids_of(client, shared, login) == sorted([district.codes["grid_a2"], district.codes["grid_b1"]])
