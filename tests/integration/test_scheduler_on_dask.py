"""With VISITSVC_DASK_SCHEDULER set, the scheduler's planning jobs solve on that cluster, and plan what the
process pool plans; a cluster that does not answer fails the run, recorded, instead of planning elsewhere."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any

import pytest

from tests.factories import SYSTEM, District, elder_data, make_district
from tests.integration.conftest import solves_on
from visitsvc import scheduler
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.planning.executors import Solving
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import elders

pytestmark = pytest.mark.db

DECEMBER = Month(2026, 12)


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    """The factory's district, with a few more people in grid a1 so that one worker has a route to order."""
    d = make_district(uow)
    for n, (lon, lat) in enumerate([(120.125, 30.283), (120.118, 30.276), (120.131, 30.279)]):
        d.elders[f"more_a1_{n}"] = elders.create_elder(
            uow, caller=SYSTEM, data=elder_data(d.codes["grid_a1"], lon=lon, lat=lat)
        ).id
    return d


def stored(uow: UnitOfWork, version_id: int) -> list[tuple[object, ...]]:
    with uow:
        return sorted(
            (v.elder_id, v.worker_id, v.day, v.seq, v.arrival, v.kind, v.obligation)
            for v in uow.plans.visits(version_id)
        )


def test_the_plan_job_solves_on_the_configured_cluster(
    uow: UnitOfWork, clock: FixedClock, district: District, dask_cluster: Any
) -> None:
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=SHANGHAI))
    before = solves_on(dask_cluster)

    run = scheduler.run_once(
        uow, scheduler.JOBS["plan-next-month"], "2026-12", Solving.configured(dask_cluster.scheduler_address)
    )

    assert run is not None
    assert run.outcome == "succeeded", run.summary
    assert run.summary["planned_visits"] > 0
    # Three grid workers, each a problem: all three solved by the cluster's worker, none on this process.
    assert solves_on(dask_cluster) - before >= 3


def test_the_nightly_replan_solves_on_the_configured_cluster(
    uow: UnitOfWork, clock: FixedClock, district: District, dask_cluster: Any
) -> None:
    plan_month(
        uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=PlanningSettings(solution_limit=30)
    )
    clock.set(datetime(2026, 12, 9, 1, 0, tzinfo=SHANGHAI))
    before = solves_on(dask_cluster)

    run = scheduler.run_once(
        uow,
        scheduler.JOBS["replan-nightly"],
        "2026-12-09",
        Solving.configured(dask_cluster.scheduler_address),
    )

    assert run is not None
    assert run.outcome == "succeeded", run.summary
    # Nothing recorded since planning: every worker's visits before 9 December come back, on the cluster.
    assert run.summary["created"] is True
    assert solves_on(dask_cluster) - before >= 3


def test_plans_are_the_same_on_the_process_pool_and_on_dask(
    uow: UnitOfWork, district: District, dask_cluster: Any
) -> None:
    limited = PlanningSettings(solution_limit=30)
    on_pool = plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="process", settings=limited)
    with Solving.configured(dask_cluster.scheduler_address).open() as client:
        on_dask = plan_month(
            uow, caller=SYSTEM, month=DECEMBER, executor=client, settings=limited, force=True
        )

    assert on_dask.version == on_pool.version + 1
    assert stored(uow, on_dask.version_id) == stored(uow, on_pool.version_id) != []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_cluster_fails_the_run_and_names_the_address(
    uow: UnitOfWork, district: District
) -> None:
    address = f"tcp://127.0.0.1:{closed_port()}"
    solving = Solving("dask", address, connect_seconds=1)

    run = scheduler.run_once(uow, scheduler.JOBS["plan-next-month"], "2026-12", solving)

    assert run is not None
    assert run.outcome == "failed"
    assert run.summary["error"] == (
        f"visitsvc.planning.executors.ClusterUnreachable: Dask scheduler {address} did not answer within 1 s"
    )
    with uow:
        assert uow.plans.latest(DECEMBER) is None, "nothing was planned on this machine instead"
