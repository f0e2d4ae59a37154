"""Offline phones deliver records shuffled, duplicated, split over syncs and late: every record is stored
exactly once, none is lost, and what counts is exactly what a plain recount says."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import SYSTEM, District, elder_data, make_district
from tests.fieldwork import at
from visitsvc.access.scoping import Caller, caller_for
from visitsvc.field import visits
from visitsvc.field.visit_input import VisitInput
from visitsvc.field.visits import SyncStatus
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import RecordState, VisitKind, VisitOutcome, VisitRecord
from visitsvc.register import elders

pytestmark = pytest.mark.db

# When the phone finds a signal: before and after 10 December, the lateness limit for November.
SYNC_TIMES = [
    NOW,
    datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI),
    datetime(2026, 12, 10, 23, 0, tzinfo=SHANGHAI),
    datetime(2026, 12, 11, 8, 0, tzinfo=SHANGHAI),
    datetime(2027, 1, 12, 9, 0, tzinfo=SHANGHAI),
]
OUTCOMES = [VisitOutcome.VISITED, VisitOutcome.NOT_HOME, VisitOutcome.REFUSED, VisitOutcome.VISITED]


@dataclass(frozen=True)
class Planned:
    """One record and the syncs (by index) that carry it, some more than once."""

    days_before: int
    hour: int
    outcome: VisitOutcome
    kind: VisitKind
    person: int
    deliveries: tuple[int, ...]


records = st.builds(
    Planned,
    days_before=st.integers(0, 40),
    hour=st.integers(7, 8),
    outcome=st.sampled_from(OUTCOMES),
    kind=st.sampled_from(list(VisitKind)),
    person=st.integers(0, 2),
    deliveries=st.lists(st.integers(0, len(SYNC_TIMES) - 1), min_size=1, max_size=3),
)


@pytest.fixture
def field(uow: UnitOfWork) -> tuple[District, Caller, list[int]]:
    district = make_district(uow)
    grid = district.codes["grid_a1"]
    people = [district.elders["elder_a1"]] + [
        elders.create_elder(uow, caller=SYSTEM, data=elder_data(grid)).id for _ in range(2)
    ]
    with uow:
        worker = uow.workers.find_by_account_id(district.accounts["w_a1"])
        assert worker is not None
        caller = caller_for(worker)
    return district, caller, people


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(records, min_size=1, max_size=20), seed=st.integers(0, 2**16), split=st.integers(1, 7))
def test_every_record_is_stored_once_and_counted_as_a_recount_says(
    uow: UnitOfWork,
    clock: FixedClock,
    field: tuple[District, Caller, list[int]],
    plan: list[Planned],
    seed: int,
    split: int,
) -> None:
    _district, caller, people = field
    shuffle = random.Random(seed)
    made = [(_visit(p, people), p) for p in plan]
    batches: list[list[VisitInput]] = [[] for _ in SYNC_TIMES]
    for visit, p in made:
        for index in p.deliveries:
            batches[index].append(visit)
    first_seen: dict[str, datetime] = {}
    for when, batch in zip(SYNC_TIMES, batches, strict=True):
        shuffle.shuffle(batch)
        clock.set(when)
        for start in range(0, len(batch), split):  # one sync split over several requests
            part = batch[start : start + split]
            results = visits.sync(uow, caller=caller, items=part)
            assert [r.client_id for r in results] == [v.client_id for v in part]
            for visit, result in zip(part, results, strict=True):
                expected = SyncStatus.DUPLICATE if visit.client_id in first_seen else SyncStatus.CREATED
                assert result.status is expected, result
                first_seen.setdefault(visit.client_id, when)

    ids = [v.client_id for v, _ in made]
    with uow:
        rows = list(uow.session.scalars(select(VisitRecord).where(VisitRecord.client_id.in_(ids))))
        per_id = dict(
            uow.session.execute(
                select(VisitRecord.client_id, func.count())
                .where(VisitRecord.client_id.in_(ids))
                .group_by(VisitRecord.client_id)
            ).all()
        )
    assert per_id == dict.fromkeys(ids, 1), "every record once, none lost"

    def counts_by_recount(visit: VisitInput) -> bool:
        month = Month.of(visit.started_at.astimezone(SHANGHAI).date())
        deadline = month.last + timedelta(days=10)
        return first_seen[visit.client_id].astimezone(SHANGHAI).date() <= deadline

    recount = sum(1 for v, _ in made if v.outcome is VisitOutcome.VISITED and counts_by_recount(v))
    stored = sum(1 for r in rows if r.outcome is VisitOutcome.VISITED and r.state is RecordState.COUNTED)
    assert stored == recount
    # Coverage reads records through MonthRepository: it sees the same counted visits.
    months = {Month.parse(r.month) for r in rows}
    with uow:
        seen = [r for m in months for r in uow.months.records(m, people) if r.client_id in set(ids)]
    assert sum(1 for r in seen if r.counts and r.outcome is VisitOutcome.VISITED) == recount


def _visit(p: Planned, people: list[int]) -> VisitInput:
    start = at(date(2026, 11, 25) - timedelta(days=p.days_before), p.hour)
    return VisitInput(
        client_id=str(uuid.uuid4()),
        kind=p.kind,
        outcome=p.outcome,
        started_at=start,
        ended_at=start + timedelta(minutes=15),
        elder_id=people[p.person],
    )
