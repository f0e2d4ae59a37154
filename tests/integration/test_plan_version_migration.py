"""Migration 0013 (docs/adr/0022): versions stored as full copies read exactly as before once their rows
carry ranges, planned dates included, and the downgrade gives every version its full copy back, also of the
versions written since with shared rows."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, insert, select

from tests.conftest import DEFAULT_PG_URL, backend
from tests.factories import make_district
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import PlannedVisit, PlanVersion, UnplannedVisit, VisitKind

pytestmark = pytest.mark.db

DECEMBER, JANUARY = Month(2026, 12), Month(2027, 1)
PLANNED = (
    "elder_id", "worker_id", "day", "seq", "arrival", "kind", "obligation", "rule", "substituted", "moved",
    "pinned",
)  # fmt: skip
MISSING = ("elder_id", "grid_id", "kind", "obligation", "reason")
Rows = tuple[Counter[tuple[Any, ...]], Counter[tuple[Any, ...]]]


@contextmanager
def empty_database(tmp_path: Path) -> Iterator[str]:
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path / 'ranges.db'}"
        return
    with db.throwaway_database(
        os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_ranges"
    ) as url:
        yield url


def made(day: date) -> datetime:
    return datetime.combine(day, time(18, 0), SHANGHAI)


def version(month: Month, number: int, created: date) -> dict[str, Any]:
    return {
        "month": str(month), "number": number, "area_path": "/330106/", "trigger": "replan",
        "fingerprint": "f", "created_at": made(created), "solver_seconds": 1.0, "planned_count": 0,
        "unplanned_count": 0, "substituted_count": 0, "summary": {},
    }  # fmt: skip


def planned(elder: int, worker: int, day: date, seq: int, obligation: str = "m") -> dict[str, Any]:
    return {
        "elder_id": elder, "worker_id": worker, "day": day, "seq": seq, "arrival": time(9, seq),
        "kind": VisitKind.HOME, "obligation": obligation, "rule": "monthly", "substituted": False,
        "moved": False, "pinned": False,
    }  # fmt: skip


def missing(elder: int, grid: int) -> dict[str, Any]:
    return {
        "elder_id": elder,
        "grid_id": grid,
        "kind": VisitKind.HOME,
        "obligation": "m",
        "reason": "capacity",
    }


def write_full_copies(conn: Connection, elders: list[int], workers: list[int], grid: int) -> None:
    """Versions as the code before 0013 wrote them: each with a copy of all its rows. December's versions
    move one visit each; a January version is written between two of December's (ids interleave)."""
    e1, e2, e3 = elders
    w1, w2 = workers
    d = DECEMBER.first
    a, b, c = (
        planned(e1, w1, d, 1),
        planned(e2, w2, d + timedelta(2), 1),
        planned(e3, w2, d + timedelta(3), 1),
    )
    weekly = planned(e3, w2, d + timedelta(3), 1, "w")
    december = [
        (date(2026, 11, 25), [a, planned(e2, w1, d, 2), c], [missing(e3, grid)]),
        (date(2026, 12, 1), [a, planned(e2, w1, d + timedelta(7), 1), c], [missing(e3, grid)]),
        (date(2026, 12, 1), [a, b, c, weekly], []),  # made the same day: the later one is in force
        (date(2026, 12, 4), [a, b, planned(e3, w1, d + timedelta(9), 1), weekly], []),
    ]
    january = [planned(e1, w1, JANUARY.first + timedelta(4), 1)]
    for number, (created, rows, gaps) in enumerate(december, start=1):
        if number == 3:
            _write(conn, version(JANUARY, 1, date(2026, 12, 2)), january, [])
        _write(conn, version(DECEMBER, number, created), rows, gaps)


def _write(
    conn: Connection, values: dict[str, Any], rows: list[dict[str, Any]], gaps: list[dict[str, Any]]
) -> None:
    vid = conn.execute(
        insert(PlanVersion.__table__).returning(PlanVersion.__table__.c.id), [values]
    ).scalar_one()
    conn.execute(insert(PlannedVisit.__table__), [{**r, "version_id": vid} for r in rows])
    if gaps:
        conn.execute(insert(UnplannedVisit.__table__), [{**g, "version_id": vid} for g in gaps])


def stored_copies(engine: Engine) -> dict[int, Rows]:
    """Each version's rows read the way the code before 0013 read them: by version id."""
    p, u = PlannedVisit.__table__.c, UnplannedVisit.__table__.c
    with engine.connect() as conn:
        versions = conn.execute(select(PlanVersion.__table__.c.id)).scalars().all()
        return {
            v: (
                Counter(
                    tuple(r) for r in conn.execute(select(*(p[c] for c in PLANNED)).where(p.version_id == v))
                ),
                Counter(
                    tuple(r) for r in conn.execute(select(*(u[c] for c in MISSING)).where(u.version_id == v))
                ),
            )
            for v in versions
        }


def read_versions(uow: UnitOfWork) -> dict[int, Rows]:
    with uow:
        return {
            v.id: (
                Counter(tuple(getattr(r, c) for c in PLANNED) for r in uow.plans.visits(v.id)),
                Counter(tuple(getattr(r, c) for c in MISSING) for r in uow.plans.unplanned(v.id)),
            )
            for month in (DECEMBER, JANUARY)
            for v in uow.plans.versions(month)
        }


def first_planned_of_copies(engine: Engine, copies: dict[int, Rows]) -> dict[tuple[int, str], date]:
    """README, Coverage, read off the full copies: the first day the version in force at its end had it."""
    t = PlanVersion.__table__.c
    with engine.connect() as conn:
        versions = conn.execute(select(t.id, t.created_at).where(t.month == str(DECEMBER))).all()
    found: dict[tuple[int, str], date] = {}
    for day in (DECEMBER.first + timedelta(days=n) for n in range(31)):
        made_by = [(created, vid) for vid, created in versions if created.astimezone(SHANGHAI).date() <= day]
        if made_by:
            for row in copies[max(made_by)[1]][0]:
                if row[2] == day:
                    found.setdefault((row[0], row[6]), day)
    return found


def test_versions_stored_as_copies_read_the_same_after_0013_and_get_their_copies_back_from_its_downgrade(
    tmp_path: Path,
) -> None:
    with empty_database(tmp_path) as url:
        db.upgrade(url)
        engine = make_engine(url)
        try:
            uow = UnitOfWork(session_factory(engine), FixedClock(made(date(2026, 11, 20))))
            district = make_district(uow)
            elders = [district.elders[k] for k in ("elder_a1", "elder_a2", "elder_b1")]
            workers = [district.accounts[k] for k in ("w_a1", "w_b1")]
            with uow:
                grid = uow.areas.by_codes([district.codes["grid_b1"]])[district.codes["grid_b1"]].id
            db.downgrade(url, "0012")
            with engine.begin() as conn:
                write_full_copies(conn, elders, workers, grid)
            copies = stored_copies(engine)
            assert len(copies) == 5

            db.upgrade(url)
            assert read_versions(uow) == copies
            with uow:
                planned_dates = uow.months.first_planned(DECEMBER, elders)
            assert planned_dates == first_planned_of_copies(engine, copies)
            assert planned_dates  # the comparison compares something
            # A version written now shares the rows it keeps with the one before.
            with uow:
                latest = uow.plans.latest(DECEMBER)
                assert latest is not None
                rows = [
                    PlannedVisit(**dict(zip(PLANNED, r, strict=True)))
                    for r in copies[latest.id][0].elements()
                ]
                rows[0].seq = 5
                uow.plans.add(PlanVersion(**version(DECEMBER, 5, date(2026, 12, 7))), rows, [])
                uow.commit()
            at_head = read_versions(uow)

            db.downgrade(url, "0012")
            assert stored_copies(engine) == at_head
        finally:
            engine.dispose()
