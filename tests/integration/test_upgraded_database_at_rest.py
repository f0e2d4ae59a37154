"""An upgraded register gives away no more than a fresh one: no full ID number, birth date or phone in the
SQLite file's bytes nor in a pg_dump, once it is at head (migrations 0007 and 0009, docs/adr/0013).

A small district is written at revision 0006, before encryption, the way the code of then wrote it: plain
numbers in `elders` and `workers`, audit details with full values (registrations, corrections, transfers, the
台账 import, workers, ID-number searches) and a failed job run that kept the error's text, whose SQL
parameters repeat an ID number. Then it is upgraded to head and searched for every one of those values.
"""

from __future__ import annotations

import sqlite3
import traceback
from contextlib import closing
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, create_engine, insert, select, text

from tests.at_rest import checkpointed_sqlite_bytes, dumpable_database, idnumber_of, leaks, pg_dump
from visitsvc.infrastructure import db
from visitsvc.infrastructure.tracebacks import describe, safe_traceback
from visitsvc.infrastructure.uow import make_engine

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
GRID = "330106001001001"
OTHER_GRID = "330106001001002"
# (ID number, birth date, phone, emergency phone) of the register's people.
PEOPLE = [
    (idnumber_of(date(1940, 5, 17), 11), date(1940, 5, 17), "13812345678", "0571-88886666"),
    (idnumber_of(date(1938, 1, 2), 22), date(1938, 1, 2), "13987654321", None),
    (idnumber_of(date(1944, 12, 30), 33), date(1944, 12, 30), None, "15011112222"),
]
CORRECTED = (idnumber_of(date(1940, 7, 15), 11), date(1940, 7, 15), "13811112222")  # the first, corrected
WORKER_PHONES = ("13700001111", "13700002222")


def _secrets() -> set[str]:
    """Every full number, birth date (both spellings) and phone written at 0006."""
    found = {WORKER_PHONES[0], WORKER_PHONES[1], CORRECTED[0], CORRECTED[2]}
    for number, birth, phone, emergency in [*PEOPLE, (CORRECTED[0], CORRECTED[1], None, None)]:
        found |= {number, birth.isoformat(), f"{birth:%Y%m%d}"}
        found |= {p for p in (phone, emergency) if p}
    return found


def _old_audit_details() -> list[tuple[str, str, dict[str, Any]]]:
    """(action, record type, details) as entries were written before masking covered them."""
    first, second, third = PEOPLE
    registrations = [
        (
            "elder.create",
            "elder",
            {
                "changes": {
                    "name": [None, "王秀英"],
                    "id_number": [None, number],
                    "birth_date": [None, birth.isoformat()],
                    "phone": [None, phone],
                    "emergency_phone": [None, emergency],
                    "grid_code": [None, GRID],
                    "categories": [[], ["living_alone"]],
                },
                **({"source": "import"} if n else {}),
            },
        )
        for n, (number, birth, phone, emergency) in enumerate(PEOPLE)
    ]
    correction = {
        "changes": {
            "id_number": [first[0], CORRECTED[0]],
            "birth_date": [first[1].isoformat(), CORRECTED[1].isoformat()],
            "phone": [first[2], CORRECTED[2]],
        }
    }
    transfer = {"changes": {"grid_code": [GRID, OTHER_GRID], "emergency_phone": [None, third[3]]}}
    return [
        *registrations,
        ("elder.update", "elder", correction),
        ("elder.transfer", "elder", transfer),
        ("elder.transfer", "elder", transfer),
        ("elder.update", "elder", {"changes": {"phone": [second[2], None]}, "source": "import"}),
        ("elder.search_id_number", "elder", {"id_number": second[0], "found": 1}),
        (
            "worker.create",
            "worker",
            {"changes": {"account": [None, "w1"], "phone": [None, WORKER_PHONES[0]]}, "source": "import"},
        ),
        ("worker.update", "worker", {"changes": {"phone": [WORKER_PHONES[0], WORKER_PHONES[1]]}}),
        (
            "ledger.import.elders",
            "ledger",
            {"file": "台账.xlsx", "rows": 3, "created": 3, "updated": 0, "unchanged": 0, "dry_run": False},
        ),
    ]


def _failed_run_summary_as_now() -> dict[str, Any]:
    """A failed job's summary as the scheduler keeps it now (tracebacks): 0009 leaves it alone."""
    try:
        raise ValueError(f"no elder {PEOPLE[0][0]}")
    except ValueError as exc:
        return {"error": describe(exc), "trace": safe_traceback(exc, limit=5)}


def _failed_run_summary() -> dict[str, Any]:
    """A failed job's summary as the scheduler kept it before tracebacks.py: `str(exc)` and the formatted
    traceback, from an engine that did not hide its parameters (as none did then)."""
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE elders (id_number VARCHAR(18) UNIQUE)"))
            conn.execute(text("INSERT INTO elders VALUES (:n)"), {"n": PEOPLE[0][0]})
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO elders VALUES (:n)"), {"n": PEOPLE[0][0]})
        except Exception as exc:
            return {"error": str(exc), "trace": traceback.format_exc(limit=5)}
    finally:
        engine.dispose()
    raise AssertionError("the insert did not fail")


def _seed_at_0006(url: str) -> None:
    db.upgrade(url, revision="0006")
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = MetaData()
        tables.reflect(conn, only=["areas", "elders", "workers", "audit_log", "job_runs"])
        t = tables.tables
        for area_id, code in ((1, GRID), (2, OTHER_GRID)):
            conn.execute(
                insert(t["areas"]).values(
                    id=area_id,
                    code=code,
                    name=f"{area_id}网格",
                    level="grid",
                    path=f"/{area_id}/",
                    created_at=NOW,
                )
            )
        for number, birth, phone, emergency in PEOPLE:
            conn.execute(
                insert(t["elders"]).values(
                    name="王秀英", id_number=number, sex="female", birth_date=birth, phone=phone,
                    emergency_phone=emergency, address="桂花苑3幢", location_verified=False, grid_id=1,
                    willingness="home", status="active", status_since=date(2026, 11, 1), created_at=NOW,
                    updated_at=NOW, version=1,
                )
            )  # fmt: skip
        conn.execute(
            insert(t["workers"]).values(
                account="w1", name="张网格", phone=WORKER_PHONES[1], role="grid_worker", travel_mode="ebike",
                work_start=time(8, 30), work_end=time(17, 30), visit_minutes_per_day=240, active=True,
                created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        for action, record_type, details in _old_audit_details():
            conn.execute(
                insert(t["audit_log"]).values(
                    at=NOW, actor_id=None, action=action, record_type=record_type, record_id="1",
                    area_path="/1/", details=details,
                )
            )  # fmt: skip
        runs = t["job_runs"]
        conn.execute(
            insert(runs).values(
                job="replan-nightly", period="2026-11-24", started_at=NOW, finished_at=NOW, outcome="failed",
                summary=_failed_run_summary(),
            )
        )  # fmt: skip
        conn.execute(
            insert(runs).values(
                job="replan-nightly", period="2026-11-25", started_at=NOW, finished_at=NOW, outcome="failed",
                summary=_failed_run_summary_as_now(),
            )
        )  # fmt: skip
        conn.execute(
            insert(runs).values(
                job="plan-next-month", period="2026-12", started_at=NOW, finished_at=NOW,
                outcome="succeeded", summary={"month": "2026-12", "created": True, "planned": 12},
            )
        )  # fmt: skip
    engine.dispose()


def _stored(conn: Connection) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    tables = MetaData()
    tables.reflect(conn, only=["audit_log", "job_runs"])
    audit, runs = tables.tables["audit_log"], tables.tables["job_runs"]
    details = list(conn.execute(select(audit.c.details).order_by(audit.c.id)).scalars())
    summaries = {row.period: row.summary for row in conn.execute(select(runs.c.period, runs.c.summary))}
    return details, summaries


def _assert_redacted_and_kept(url: str) -> None:
    """The masked forms are what a masked view shows; what is not a personal number is kept as it was."""
    engine = make_engine(url)
    with engine.connect() as conn:
        details, summaries = _stored(conn)
    engine.dispose()
    first = PEOPLE[0]
    assert details[0] == {
        "changes": {
            "name": [None, "王秀英"],
            "id_number": [None, first[0][:6] + "********" + first[0][-4:]],
            "birth_date": [None, "1940-**-**"],
            "phone": [None, "138****5678"],
            "emergency_phone": [None, "0571-****6666"],
            "grid_code": [None, GRID],
            "categories": [[], ["living_alone"]],
        }
    }
    assert details[3]["changes"]["birth_date"] == ["1940-**-**", "1940-**-**"]
    assert details[-3]["changes"] == {"account": [None, "w1"], "phone": [None, "137****1111"]}
    assert details[-1] == _old_audit_details()[-1][2]  # an import's counts carry no number
    failed = summaries["2026-11-24"]
    assert failed["error"] == "sqlalchemy.exc.IntegrityError"
    assert 'File "' in failed["trace"]
    assert "sqlalchemy.exc.IntegrityError (message withheld" in failed["trace"]
    assert "[parameters" not in failed["trace"]
    assert summaries["2026-11-25"] == _failed_run_summary_as_now()  # written without the text already
    assert summaries["2026-12"] == {"month": "2026-12", "created": True, "planned": 12}


def test_an_upgraded_sqlite_file_holds_no_id_number_birth_date_or_phone_from_before(tmp_path: Path) -> None:
    path = tmp_path / "upgraded.db"
    url = f"sqlite:///{path}"
    _seed_at_0006(url)
    secrets = _secrets()
    assert leaks(checkpointed_sqlite_bytes(path), secrets) == sorted(secrets)  # the search is for real

    db.upgrade(url)

    assert leaks(checkpointed_sqlite_bytes(path), secrets) == []
    with closing(sqlite3.connect(path)) as conn:  # vacuumed: no free page keeps an old value
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    _assert_redacted_and_kept(url)


def test_a_pg_dump_of_an_upgraded_database_holds_no_id_number_birth_date_or_phone_written_before() -> None:
    with dumpable_database("visitsvc_upg") as url:
        _seed_at_0006(url)
        db.upgrade(url)
        _assert_redacted_and_kept(url)
        out = pg_dump(url)
    assert b"COPY public.audit_log" in out
    assert b"COPY public.job_runs" in out
    assert leaks(out, _secrets()) == []


def test_the_redaction_stays_when_the_database_goes_back_to_0008(tmp_path: Path) -> None:
    """0009's downgrade changes nothing: the full values are gone for good, and 0008's schema is the same."""
    url = f"sqlite:///{tmp_path / 'down.db'}"
    _seed_at_0006(url)
    db.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        upgraded = _stored(conn)
    engine.dispose()

    db.downgrade(url, "0008")

    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0008"
        assert _stored(conn) == upgraded
    engine.dispose()
