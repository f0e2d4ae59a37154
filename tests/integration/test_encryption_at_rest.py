"""What a copied database file or a dump gives away: no full ID number, birth date or phone (docs/adr/0013).

A small demo district is seeded through the 台账 import as `make run` does; then the SQLite file's bytes
(WAL checkpointed) and a `pg_dump` of PostgreSQL are searched for every seeded value.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, select, text

from seed.district import DEMO_PASSWORD, Ledger, generate
from seed.load import load
from tests.at_rest import checkpointed_sqlite_bytes, dumpable_database, idnumber_of, leaks, pg_dump
from tests.conftest import DEFAULT_PG_URL, TEST_DATA_KEYS, TEST_INDEX_KEY, backend
from tests.factories import SYSTEM, id_number, make_district
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel import crypto, idnumber
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.model import Elder
from visitsvc.register import elder_reads, elders

TODAY = date(2026, 11, 1)
ELDERS = 300


@pytest.fixture(scope="module")
def small_district() -> Ledger:
    """The demo district's map and accounts, with its first 300 elders."""
    ledger = generate("demo", today=TODAY)
    return replace(ledger, elders=ledger.elders[:ELDERS])


def _secrets(ledger: Ledger) -> set[str]:
    """Every full ID number, birth date (both spellings) and phone the district's 台账 holds."""
    found: set[str] = set()
    for row in ledger.elders:
        number = row["身份证号"]
        birth = idnumber.parse(number).birth_date
        found |= {number, birth.isoformat(), f"{birth:%Y%m%d}"}
        found |= {row[c] for c in ("联系电话", "紧急联系电话") if row.get(c)}
    found |= {w[c] for w in ledger.workers for c in w if "电话" in c and w[c]}
    found |= {s.phone for s in ledger.staff if s.phone}
    return found


def _seed(url: str, ledger: Ledger) -> None:
    db.upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    clock = FixedClock(datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI))
    load(lambda: UnitOfWork(sessions, clock), ledger, password=DEMO_PASSWORD)
    engine.dispose()


def test_the_seeded_sqlite_file_holds_no_id_number_birth_date_or_phone(
    tmp_path: Path, small_district: Ledger
) -> None:
    path = tmp_path / "seeded.db"
    _seed(f"sqlite:///{path}", small_district)
    secrets = _secrets(small_district)
    assert len(secrets) > 3 * ELDERS  # the search is for real values

    assert leaks(checkpointed_sqlite_bytes(path), secrets) == []


def test_a_pg_dump_of_the_seeded_district_holds_no_id_number_birth_date_or_phone(
    small_district: Ledger,
) -> None:
    with dumpable_database("visitsvc_dump") as url:
        _seed(url, small_district)
        out = pg_dump(url)
    assert b"COPY public.elders" in out
    assert leaks(out, _secrets(small_district)) == []


def test_no_row_s_plain_columns_give_back_the_birth_date_an_id_number_is_built_from(
    tmp_path: Path, small_district: Ledger
) -> None:
    """The region (the grid's code) and the sex are plain; the birth date is what would complete the
    number, and nothing plain in the row holds it, so no valid number can be put together."""
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    _seed(url, small_district)
    engine = make_engine(url)
    with session_factory(engine)() as session:  # the truth, as only the keys tell it
        numbers = {e.id: e.id_number for e in session.scalars(select(Elder))}
    assert set(numbers.values()) == {row["身份证号"] for row in small_district.elders}
    with engine.connect() as conn:
        elders_table = Table("elders", MetaData(), autoload_with=conn)
        rows = conn.execute(
            text("SELECT e.*, a.code AS grid_code FROM elders e JOIN areas a ON a.id = e.grid_id")
        ).mappings()
        sealed = {"id_number", "birth_date", "phone", "emergency_phone", "id_number_index"}
        plain_columns = [c.name for c in elders_table.columns if c.name not in sealed]
        checked = 0
        for row in rows:
            number = numbers[row["id"]]
            plain = " ".join(str(row[c]) for c in [*plain_columns, "grid_code"] if row[c] is not None)
            dates = {"".join(m.groups()) for m in re.finditer(r"(\d{4})-?(\d{2})-?(\d{2})", plain)} | set(
                re.findall(r"\d{8}", plain)
            )
            regions = {row["grid_code"][:6], number[:6]}
            candidates = {
                first17 + idnumber.check_character(first17)
                for region in regions
                for day in dates
                for seq in range(1000)
                if len(first17 := f"{region}{day}{seq:03d}") == 17
            }
            assert number not in candidates, row["id"]
            assert all(row[c] is None or row[c].startswith("v1:") for c in sealed - {"id_number_index"})
            checked += 1
    engine.dispose()
    assert checked == ELDERS


@pytest.fixture
def sqlite_register(tmp_path: Path) -> tuple[Path, int, str]:
    """A SQLite register with one elder: its file, the elder's id and full ID number."""
    path = tmp_path / "live.db"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    engine = make_engine(url)
    uow = UnitOfWork(session_factory(engine), FixedClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC)))
    district = make_district(uow)
    elder_id = district.elders["elder_a1"]
    with uow:
        number = uow.session.get_one(Elder, elder_id).id_number
    engine.dispose()
    return path, elder_id, number


def test_backup_wipe_and_restore_reads_the_full_number_back_with_the_keys(
    tmp_path: Path, sqlite_register: tuple[Path, int, str]
) -> None:
    live, elder_id, number = sqlite_register
    backup_dir = tmp_path / "backup"
    backup_dir.mkdir()
    # The backup: the database (SQLite's online backup API) and, apart from it, the keys.
    with (
        closing(sqlite3.connect(live)) as source,
        closing(sqlite3.connect(backup_dir / "visitsvc.db")) as copy,
    ):
        source.backup(copy)
    (backup_dir / "keys.env").write_text(
        f"VISITSVC_DATA_KEYS={TEST_DATA_KEYS}\nVISITSVC_INDEX_KEY={TEST_INDEX_KEY}\n"
    )

    for leftover in live.parent.glob(live.name + "*"):  # the disaster: file, WAL and all
        leftover.unlink()
    crypto.install(crypto.Keyring.parse(crypto.generate_key().join(["k1:", ""]), crypto.generate_key()))

    shutil.copyfile(backup_dir / "visitsvc.db", live)  # the restore: the file back, the keys back
    saved = dict(line.split("=", 1) for line in (backup_dir / "keys.env").read_text().splitlines())
    crypto.install(crypto.Keyring.parse(saved["VISITSVC_DATA_KEYS"], saved["VISITSVC_INDEX_KEY"]))

    engine = make_engine(f"sqlite:///{live}")
    uow = UnitOfWork(session_factory(engine), FixedClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC)))
    read = elder_reads.get_elder(uow, caller=SYSTEM, elder_id=elder_id, unmask=True)
    assert read.id_number == number
    with uow:
        found = uow.elders.find_by_id_number(number)
        assert found is not None
        assert found.id == elder_id
    engine.dispose()


def test_a_restore_with_the_wrong_keys_fails_clearly(sqlite_register: tuple[Path, int, str]) -> None:
    live, elder_id, _number = sqlite_register
    crypto.install(crypto.Keyring.parse(f"t1:{crypto.generate_key()}", TEST_INDEX_KEY))
    engine = make_engine(f"sqlite:///{live}")
    uow = UnitOfWork(session_factory(engine), FixedClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC)))
    with pytest.raises(crypto.CryptoError, match="does not open under key id 't1' \\(wrong key"):
        elder_reads.get_elder(uow, caller=SYSTEM, elder_id=elder_id, unmask=True)
    engine.dispose()


def test_migration_0007_encrypts_existing_rows_vacuums_and_the_downgrade_decrypts(tmp_path: Path) -> None:
    if backend() == "sqlite":
        path = tmp_path / "old.db"
        url = f"sqlite:///{path}"
        _migration_round_trip(url, path)
        return
    with db.throwaway_database(os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_mig") as url:
        _migration_round_trip(url, None)


def _migration_round_trip(url: str, path: Path | None) -> None:
    db.upgrade(url, revision="0005")
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    people = [
        (idnumber_of(date(1940, 5, 17), 11), date(1940, 5, 17), "13812345678", "0571-88886666"),
        (idnumber_of(date(1938, 1, 2), 22), date(1938, 1, 2), None, None),
    ] + [  # enough rows for pages of plain values to be left free behind the rewritten table
        (idnumber_of(birth, n), birth, f"139{n:08d}", None)
        for n in range(100, 400)
        if (birth := date(1930 + n % 30, 1 + n % 12, 1 + n % 28))
    ]
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn, only=["areas", "elders", "workers"])
        areas, elders_t, workers_t = (tables.tables[n] for n in ("areas", "elders", "workers"))
        conn.execute(
            areas.insert().values(
                id=1, code="330106001001001", name="一网格", level="grid", path="/1/", created_at=now
            )
        )
        for number, birth, phone, emergency in people:
            conn.execute(
                elders_t.insert().values(
                    name="王秀英",
                    id_number=number,
                    sex="female",
                    birth_date=birth,
                    phone=phone,
                    emergency_phone=emergency,
                    address="桂花苑3幢",
                    location_verified=False,
                    grid_id=1,
                    willingness="home",
                    status="active",
                    status_since=date(2026, 11, 1),
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
        conn.execute(
            workers_t.insert().values(
                account="w1",
                name="张网格",
                phone="13700001111",
                role="grid_worker",
                travel_mode="ebike",
                work_start=datetime(2026, 1, 1, 8, 30).time(),
                work_end=datetime(2026, 1, 1, 17, 30).time(),
                visit_minutes_per_day=240,
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
    engine.dispose()
    plain = {str(v) for person in people for v in person if v is not None} | {"13700001111"}
    plain |= {f"{p[1]:%Y%m%d}" for p in people}

    db.upgrade(url)

    engine = make_engine(url)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT id_number, birth_date, phone, emergency_phone FROM elders")).all()
        assert all(v is None or v.startswith("v1:t1:") for row in raw for v in row)
        assert conn.execute(text("SELECT phone FROM workers")).scalar_one().startswith("v1:t1:")
    uow = UnitOfWork(session_factory(engine), FixedClock(now))
    with uow:
        got = {
            (e.id_number, e.birth_date, e.phone, e.emergency_phone)
            for e in uow.session.scalars(select(Elder))
        }
        assert got == set(people)
        found = uow.elders.find_by_id_number(people[1][0])
        assert found is not None
        assert found.birth_date == people[1][1]
    engine.dispose()
    if path is not None:  # vacuumed: no free page keeps an old plain value, nor does the WAL
        with closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
        assert leaks(checkpointed_sqlite_bytes(path), plain) == []

    db.downgrade(url, "0005")

    engine = make_engine(url)
    with engine.connect() as conn:
        back = conn.execute(text("SELECT id_number, phone, emergency_phone FROM elders ORDER BY id")).all()
        assert [tuple(r) for r in back] == [(n, p, e) for n, _b, p, e in people]
        births = Table("elders", MetaData(), autoload_with=conn).c.birth_date
        assert conn.execute(select(births).order_by(text("id"))).scalars().all() == [p[1] for p in people]
        assert conn.execute(text("SELECT phone FROM workers")).scalar_one() == "13700001111"
    engine.dispose()


def test_a_corrected_id_number_takes_its_blind_index_with_it(uow: UnitOfWork) -> None:
    district = make_district(uow)
    elder_id = district.elders["elder_a1"]
    with uow:
        old = uow.session.get_one(Elder, elder_id).id_number
    new = id_number(region="330105")  # another region code: no factory number clashes

    elders.update_elder(uow, caller=SYSTEM, elder_id=elder_id, changes={"id_number": new})

    with uow:
        assert uow.elders.find_by_id_number(old) is None
        found = uow.elders.find_by_id_number(new)
        assert found is not None
        assert found.id == elder_id
        stored = uow.session.execute(
            text("SELECT id_number, id_number_index FROM elders WHERE id = :id"), {"id": elder_id}
        ).one()
        assert new not in stored.id_number
        assert stored.id_number_index == crypto.blind_index(new, "elders.id_number")
