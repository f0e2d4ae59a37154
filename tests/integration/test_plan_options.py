"""Options on planning day (issue 20) on a small overloaded district: grid A1 has more people than its worker
can fit, colleague A2 (same community) has spare time but starts 8 km away, beyond the usual reach."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import SYSTEM, District, elder_data, make_district
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import Category
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.option_apply import apply_options
from visitsvc.planning.plan_options import OPTION_SETTINGS, options
from visitsvc.register import elders, workers

DECEMBER = Month(2026, 12)
PEOPLE_IN_A1 = 30


@pytest.fixture
def overloaded(uow: UnitOfWork) -> District:
    d = make_district(uow)
    for i in range(PEOPLE_IN_A1):
        data = elder_data(
            d.codes["grid_a1"], categories=frozenset({Category.EMPTY_NEST}), birth_date=date(1950, 1, 1),
            lon=120.1201 + 0.001 * (i % 6), lat=30.2801 + 0.001 * (i // 6),
        )  # fmt: skip
        d.elders[f"a1_{i}"] = elders.create_elder(uow, caller=SYSTEM, data=data).id
    workers.update_worker(uow, caller=SYSTEM, worker_id=d.accounts["w_a1"], changes={"visit_minutes_per_day": 40})
    workers.update_worker(
        uow, caller=SYSTEM, worker_id=d.accounts["w_a2"], changes={"start_lon": 120.20, "start_lat": 30.28}
    )
    plan_month(uow, caller=SYSTEM, month=DECEMBER, executor="serial", settings=OPTION_SETTINGS)
    return d


def test_print(uow: UnitOfWork, overloaded: District) -> None:
    import json, time
    t = time.perf_counter()
    answer = options(uow, caller=SYSTEM, month=DECEMBER)
    print(json.dumps(answer, ensure_ascii=False, indent=1))
    print("seconds", time.perf_counter() - t)
    assert False
