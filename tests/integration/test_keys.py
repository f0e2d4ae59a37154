"""`visitsvc keys ...`: a new data key takes over while old ones still open what they sealed; the blind index
follows a new index key (docs/adr/0013)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update

from tests.conftest import DEFAULT_PG_URL, TEST_DATA_KEYS, TEST_INDEX_KEY, backend
from tests.factories import SYSTEM, District, elder_data, make_district
from visitsvc.access.scoping import Scope
from visitsvc.cli.main import main
from visitsvc.infrastructure import db, key_rotation
from visitsvc.infrastructure.repositories.elders import ElderFilter
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel import crypto
from visitsvc.kernel.clock import FixedClock
from visitsvc.model import Elder, Worker
from visitsvc.register import elders

pytestmark = pytest.mark.db

NEW_KEY = crypto.generate_key()
BOTH = f"k2:{NEW_KEY},{TEST_DATA_KEYS}"  # the new key first: it seals from now on


@pytest.fixture
def url(tmp_path: object) -> Iterator[str]:
    if backend() == "sqlite":
        path = f"sqlite:///{tmp_path}/keys.db"
        db.upgrade(path)
        yield path
        return
    with db.throwaway_database(
        os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_keys"
    ) as made:
        db.upgrade(made)
        yield made


@pytest.fixture
def register(
    url: str, clock: FixedClock
) -> Iterator[tuple[UnitOfWork, District, dict[int, tuple[object, ...]]]]:
    """A small register sealed under the test key t1; what each elder's personal values are, in clear."""
    engine = make_engine(url)
    uow = UnitOfWork(session_factory(engine), clock)
    district = make_district(uow)
    for n in range(4):  # more rows than one batch of the runs below
        data = replace(
            elder_data(district.codes["grid_a1"]), phone=f"1391234567{n}", emergency_phone="0571-88886666"
        )
        elders.create_elder(uow, caller=SYSTEM, data=data)
    with uow:
        uow.session.execute(update(Worker).where(Worker.account == "w_a1").values(phone="13700001111"))
        uow.commit()
    yield uow, district, _plain(uow)
    engine.dispose()


def _plain(uow: UnitOfWork) -> dict[int, tuple[object, ...]]:
    with uow:
        return {
            e.id: (e.id_number, e.birth_date, e.phone, e.emergency_phone)
            for e in uow.session.scalars(select(Elder))
        }


def _raw_key_ids(uow: UnitOfWork) -> set[str]:
    with uow:
        values = [
            *uow.session.execute(text("SELECT id_number, birth_date, phone, emergency_phone FROM elders")),
            *uow.session.execute(text("SELECT phone, NULL, NULL, NULL FROM workers")),
        ]
    return {crypto.key_id(v) for row in values for v in row if v is not None}


@pytest.fixture
def runner(url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("VISITSVC_DATABASE_URL", url)
    monkeypatch.setenv("VISITSVC_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("VISITSVC_INDEX_KEY", TEST_INDEX_KEY)
    return CliRunner()


def _use(data_keys: str, index_key: str = TEST_INDEX_KEY) -> None:
    crypto.install(crypto.Keyring.parse(data_keys, index_key))


def test_rotate_moves_every_value_to_the_new_key_and_the_old_key_can_then_go(
    register: tuple[UnitOfWork, District, dict[int, tuple[object, ...]]],
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uow, _district, before = register
    assert _raw_key_ids(uow) == {"t1"}
    monkeypatch.setenv("VISITSVC_DATA_KEYS", BOTH)

    result = runner.invoke(main, ["keys", "rotate", "--batch", "2", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "active_key": "k2",
        "rewritten": {"elders": len(before), "workers": 1, "organisations": 0},
        "left": 0,
    }
    assert _raw_key_ids(uow) == {"k2"}
    status = runner.invoke(main, ["keys", "status", "--json"])
    assert json.loads(status.stdout) == {
        "active_key": "k2",
        "values_by_key": {"k2": 3 * len(before) + 5},
        "problems": {},
    }
    _use(f"k2:{NEW_KEY}")  # the old key removed
    assert _plain(uow) == before
    with uow:
        assert uow.workers.by_accounts(["w_a1"])["w_a1"].phone == "13700001111"


def test_old_keys_still_open_what_they_sealed_until_removed(
    register: tuple[UnitOfWork, District, dict[int, tuple[object, ...]]],
) -> None:
    uow, district, before = register
    _use(BOTH)
    assert _plain(uow) == before  # everything still under t1
    elders.update_elder(
        uow, caller=SYSTEM, elder_id=district.elders["elder_a1"], changes={"phone": "13955556666"}
    )
    assert _raw_key_ids(uow) == {"t1", "k2"}  # the edit was sealed under the new key

    _use(f"k2:{NEW_KEY}")  # removed before rotating: what t1 sealed no longer opens
    with uow, pytest.raises(crypto.CryptoError, match="key id 't1', which VISITSVC_DATA_KEYS does not hold"):
        uow.session.scalars(select(Elder)).all()


def test_rotate_stops_clearly_on_a_value_under_an_unknown_key(
    register: tuple[UnitOfWork, District, dict[int, tuple[object, ...]]],
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uow, district, _before = register
    _use(f"k9:{crypto.generate_key()},{TEST_DATA_KEYS}")  # a key the operator then lost
    elders.update_elder(
        uow, caller=SYSTEM, elder_id=district.elders["elder_b1"], changes={"phone": "13955556666"}
    )
    monkeypatch.setenv("VISITSVC_DATA_KEYS", BOTH)

    result = runner.invoke(main, ["keys", "rotate", "--json"])

    assert result.exit_code == 1
    assert "key id 'k9', which VISITSVC_DATA_KEYS does not hold" in result.output


def test_reindex_makes_lookup_by_id_number_work_under_a_new_index_key(
    register: tuple[UnitOfWork, District, dict[int, tuple[object, ...]]],
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uow, district, before = register
    number = str(before[district.elders["elder_a2"]][0])
    new_index_key = crypto.generate_key()
    _use(TEST_DATA_KEYS, new_index_key)
    with uow:
        assert uow.elders.find_by_id_number(number) is None  # the stored index is the old key's

    monkeypatch.setenv("VISITSVC_INDEX_KEY", new_index_key)
    result = runner.invoke(main, ["keys", "reindex", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"reindexed": len(before)}
    with uow:
        found = uow.elders.find_by_id_number(number)
        assert found is not None
        assert found.id == district.elders["elder_a2"]
        assert len(uow.elders.page(Scope.everything(), ElderFilter(id_number=number), limit=5)) == 1


def test_generate_prints_a_key_the_settings_take(runner: CliRunner) -> None:
    result = runner.invoke(main, ["keys", "generate", "--id", "k3"])
    assert result.exit_code == 0
    keyring = crypto.Keyring.parse(result.stdout.strip(), TEST_INDEX_KEY)
    assert keyring.active == "k3"


def test_rotate_never_overwrites_an_edit_made_while_it_runs(
    register: tuple[UnitOfWork, District, dict[int, tuple[object, ...]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An operator edits a phone between rotate's read of the row and its write: the edit stays, and the
    row is re-sealed by the next pass."""
    uow, district, before = register
    _use(BOTH)
    edited = district.elders["elder_a2"]
    reseal = key_rotation._reseal_row
    edits: list[int] = []

    def reseal_while_someone_edits(*args: Any) -> dict[str, str | None]:
        row = args[3]
        if row["id"] == edited and not edits:
            edits.append(row["id"])
            elders.update_elder(uow, caller=SYSTEM, elder_id=edited, changes={"phone": "13955556666"})
        return reseal(*args)

    monkeypatch.setattr(key_rotation, "_reseal_row", reseal_while_someone_edits)

    result = key_rotation.rotate(lambda: UnitOfWork(uow._factory), batch=2)

    assert edits == [edited]
    assert result.left == 0
    assert result.rewritten["elders"] == len(before)
    assert _raw_key_ids(uow) == {"k2"}
    after = _plain(uow)
    assert after[edited][2] == "13955556666"
    assert {k: v for k, v in after.items() if k != edited} == {k: v for k, v in before.items() if k != edited}


def test_status_says_which_stored_values_the_keys_do_not_open(
    register: tuple[UnitOfWork, District, dict[int, tuple[object, ...]]],
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a restore with the wrong keys, the operator learns it before the service does."""
    monkeypatch.setenv("VISITSVC_DATA_KEYS", f"t1:{crypto.generate_key()}")  # right id, wrong key

    result = runner.invoke(main, ["keys", "status", "--json"])

    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert list(body["values_by_key"]) == ["t1"]
    assert "does not open under key id 't1' (wrong key" in body["problems"]["t1"]
