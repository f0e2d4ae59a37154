"""The rural county (`python -m seed --size county`) planned as the office would plan it on planning day: the
grids designed beyond their worker's reach come out short for capacity, the grids with spare time do not.

Slow: on the shared 2-core machine the module took 52 s on SQLite at load 1.3-2, 7 minutes at load 4-6 (67 s
of CPU either way) and 88 s on PostgreSQL at load 2.5-3: near the minute a test in the default run may take.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from seed.county import generate, reach
from seed.district import DEMO_PASSWORD
from seed.load import load
from tests.conftest import DEFAULT_PG_URL, backend
from visitsvc.access.scoping import Caller
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.planning import plan_reports
from visitsvc.planning.month_plan import plan_month

pytestmark = [pytest.mark.db, pytest.mark.slow]

DECEMBER = Month(2026, 12)
PLANNING_DAY = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)  # before the month: every working day is open


@dataclass(frozen=True)
class Planned:
    ratios: dict[str, float]  # grid -> its people over what its worker reaches alone (as designed)
    shortfall: dict[str, Any]


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Planned:
    ledger = generate(today=date(2026, 11, 1))
    sizes = Counter(e["所属网格"] for e in ledger.elders)
    ratios = {
        w["负责网格"]: sizes[w["负责网格"]] / reach(round(float(w["每日工时"]) * 60), w["出行方式"])
        for w in ledger.workers
    }
    with _database(tmp_path_factory) as url:
        db.upgrade(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        clock = FixedClock(PLANNING_DAY)
        load(lambda: UnitOfWork(sessions, clock), ledger, password=DEMO_PASSWORD)
        plan_month(UnitOfWork(sessions, clock), caller=Caller.system(), month=DECEMBER, executor="serial")
        system = Caller.system()
        shortfall = plan_reports.shortfall(UnitOfWork(sessions, clock), caller=system, month=DECEMBER)
        engine.dispose()
    return Planned(ratios, shortfall)


class _database:
    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.context: Any = None

    def __enter__(self) -> str:
        if backend() == "sqlite":
            return f"sqlite:///{self.factory.mktemp('county') / 'county.db'}"
        self.context = db.throwaway_database(
            os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_county"
        )
        return str(self.context.__enter__())

    def __exit__(self, *exc: object) -> None:
        if self.context is not None:
            self.context.__exit__(*exc)


def _capacity_short(planned: Planned) -> dict[str, int]:
    """Grid -> its visits left unplanned for want of capacity."""
    return {
        g["grid"]: sum(u["reason"] == "capacity" for u in g["unplanned_elders"])
        for g in planned.shortfall["grids"]
    }


def test_grids_with_one_and_a_half_times_their_workers_reach_or_more_are_short_for_capacity(
    planned: Planned,
) -> None:
    short = _capacity_short(planned)
    overloaded = [grid for grid, ratio in planned.ratios.items() if ratio >= 1.5]
    assert len(overloaded) >= 10
    assert all(short[grid] > 0 for grid in overloaded)


def test_grids_well_within_their_workers_reach_have_nobody_short_for_capacity(planned: Planned) -> None:
    short = _capacity_short(planned)
    spare = [grid for grid, ratio in planned.ratios.items() if ratio <= 0.8]
    assert len(spare) >= 10
    assert [grid for grid in spare if short[grid]] == []


def test_only_capacity_leaves_visits_unplanned_when_the_whole_month_is_open(planned: Planned) -> None:
    reasons = Counter(u["reason"] for g in planned.shortfall["grids"] for u in g["unplanned_elders"])
    assert set(reasons) == {"capacity"}
    assert reasons["capacity"] >= 300
