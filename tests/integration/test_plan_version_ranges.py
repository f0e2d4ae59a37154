"""A plan version costs what changed (docs/adr/0022): a row belongs to a range of versions of its month, so a
new version writes the rows that differ from the latest one and nothing else, while every version, and every
planned date (README, Coverage), reads exactly as before."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from tests.factories import SYSTEM, District
from tests.integration.test_replan_only_changed import (  # noqa: F401 - its fixtures, taken by name below
    DECEMBER,
    FIRST,
    REPRODUCIBLE,
    district,
    later_home_row,
    play_until,
    record,
    rerun,
    solved,
    supervisor,
)
from visitsvc.infrastructure.repositories.version_rows import VersionOrderBroken
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import PlannedVisit, PlanVersion, UnplannedVisit, VisitOutcome
from visitsvc.planning import moves
from visitsvc.planning.month_plan import plan_month

VALUES = (
    "elder_id", "obligation", "worker_id", "day", "seq", "arrival", "kind", "rule", "substituted", "moved",
    "pinned",
)  # fmt: skip


@pytest.fixture
def replanned(request: pytest.FixtureRequest) -> District:
    """test_replan_only_changed's district: planned, its 1st carried out, re-planned once."""
    found: District = request.getfixturevalue("district")
    return found


@pytest.fixture
def solved_workers(request: pytest.FixtureRequest) -> set[int]:
    """The workers whose problems went to the solver (test_replan_only_changed's spy)."""
    found: set[int] = request.getfixturevalue("solved")
    return found


def values(row: PlannedVisit) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in VALUES)


def missing_values(row: UnplannedVisit) -> tuple[Any, ...]:
    return (row.elder_id, row.grid_id, row.kind, row.obligation, row.reason)


@dataclass
class Writes:
    """SQL statements that write plan rows, as the database was sent them."""

    statements: list[str] = field(default_factory=list)

    def to(self, table: str) -> list[str]:
        heads = tuple(f"{verb} {table} " for verb in ("INSERT INTO", "UPDATE", "DELETE FROM"))
        return [s for s in self.statements if s.lstrip().startswith(heads)]


@pytest.fixture
def writes(engine: Engine) -> Iterator[Writes]:
    seen = Writes()

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statements.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    yield seen
    event.remove(engine, "before_cursor_execute", listen)


def every_version(uow: UnitOfWork, month: Month = DECEMBER) -> dict[int, tuple[Counter[Any], Counter[Any]]]:
    """Each version of the month: its planned and unplanned rows, as values."""
    with uow:
        return {
            v.id: (
                Counter(values(r) for r in uow.plans.visits(v.id)),
                Counter(missing_values(r) for r in uow.plans.unplanned(v.id)),
            )
            for v in uow.plans.versions(month)
        }


def latest(uow: UnitOfWork) -> PlanVersion:
    with uow:
        version = uow.plans.latest(DECEMBER)
        assert version is not None
        return version


def written_by(uow: UnitOfWork, version_id: int) -> tuple[list[PlannedVisit], list[PlannedVisit]]:
    """(rows the version inserted, rows it retired)."""
    with uow:
        inserted = uow.session.scalars(
            select(PlannedVisit).where(PlannedVisit.version_id == version_id)
        ).all()
        retired = uow.session.scalars(select(PlannedVisit).where(PlannedVisit.retired_in == version_id)).all()
        return list(inserted), list(retired)


def first_planned_by_definition(uow: UnitOfWork, people: list[int]) -> dict[tuple[int, str], date]:
    """README, Coverage: a planned date is a day the plan in force on that day had the visit on, the plan in
    force being the last version made by the end of that day. Read version by version, day by day."""
    with uow:
        versions = uow.plans.versions(DECEMBER)
        rows = {v.id: uow.plans.visits(v.id) for v in versions}
    found: dict[tuple[int, str], date] = {}
    for day in (DECEMBER.first + timedelta(days=n) for n in range(31)):
        made = [v for v in versions if v.created_at.astimezone(SHANGHAI).date() <= day]
        if not made:
            continue
        in_force = max(made, key=lambda v: (v.created_at, v.id))
        for r in rows[in_force.id]:
            if r.day == day and r.elder_id in people:
                found.setdefault((r.elder_id, r.obligation), day)
    return found


def people(uow: UnitOfWork) -> list[int]:
    with uow:
        return sorted({r.elder_id for v in uow.plans.versions(DECEMBER) for r in uow.plans.visits(v.id)})


def test_a_replan_of_one_worker_writes_only_that_workers_changed_visits(
    uow: UnitOfWork, clock: FixedClock, replanned: District, solved_workers: set[int], writes: Writes
) -> None:
    w_a1 = replanned.accounts["w_a1"]
    target = later_home_row(uow, w_a1, FIRST)
    today = play_until(uow, clock, target.day, but=lambda r: r.id == target.id)
    record(uow, target, VisitOutcome.NOT_HOME)
    before = latest(uow)
    writes.statements.clear()

    outcome = rerun(uow, today)

    assert outcome.created
    assert solved_workers == {w_a1}
    (old, old_missing), (new, new_missing) = (every_version(uow)[v] for v in (before.id, outcome.version_id))
    inserted, retired = written_by(uow, outcome.version_id)
    assert inserted, "the worker's routes changed"
    assert {r.worker_id for r in inserted} == {r.worker_id for r in retired} == {w_a1}
    assert Counter(values(r) for r in inserted) == new - old  # only what changed, nothing the same again
    assert Counter(values(r) for r in retired) == old - new
    assert new_missing == old_missing
    # One INSERT (a batch of rows) and one UPDATE of ids for a handful of rows; no other plan row is written.
    assert len(writes.to("planned_visits")) == 2
    assert writes.to("unplanned_visits") == []


def test_every_version_and_planned_date_reads_as_before_after_a_new_version(
    uow: UnitOfWork, clock: FixedClock, replanned: District
) -> None:
    w_a1 = replanned.accounts["w_a1"]
    target = later_home_row(uow, w_a1, FIRST)
    today = play_until(uow, clock, target.day, but=lambda r: r.id == target.id)
    record(uow, target, VisitOutcome.NOT_HOME)
    everyone = people(uow)
    versions_before = every_version(uow)
    with uow:
        planned_before = uow.months.first_planned(DECEMBER, everyone)
    assert planned_before == first_planned_by_definition(uow, everyone)

    assert rerun(uow, today).created

    versions_after = every_version(uow)
    assert {v: versions_after[v] for v in versions_before} == versions_before
    with uow:
        planned_after = uow.months.first_planned(DECEMBER, everyone)
    assert planned_after == first_planned_by_definition(uow, everyone)
    # Days already passed keep their planned dates: the new version is in force from today on.
    assert {k: d for k, d in planned_after.items() if d < today} == {
        k: d for k, d in planned_before.items() if d < today
    }


def test_a_supervisors_move_writes_the_rows_of_the_days_it_changes_and_carries_the_rest(
    uow: UnitOfWork, clock: FixedClock, replanned: District
) -> None:
    w_a1, w_a2 = replanned.accounts["w_a1"], replanned.accounts["w_a2"]
    row = later_home_row(uow, w_a1, FIRST)
    before = latest(uow)
    old = every_version(uow)[before.id][0]

    moved = moves.move_visits(
        uow, caller=supervisor(uow), month=DECEMBER, moves=[moves.Move(row.id, to_worker_id=w_a2)]
    )

    with uow:
        new_rows = {r.id: r for r in uow.plans.visits(moved.version_id)}
    taken = new_rows[moved.moved[0].planned_visit_id]
    assert (taken.elder_id, taken.worker_id, taken.day, taken.pinned) == (row.elder_id, w_a2, row.day, True)
    inserted, retired = written_by(uow, moved.version_id)
    changed_days = {(w_a1, row.day), (w_a2, row.day)}
    assert {(r.worker_id, r.day) for r in inserted} <= changed_days
    assert {(r.worker_id, r.day) for r in retired} <= changed_days
    carried = [r for r in old if (r[2], r[3]) not in changed_days]
    assert Counter(carried) == Counter(values(r) for r in new_rows.values() if (r.worker_id, r.day) not in
                                       changed_days)  # fmt: skip
    assert every_version(uow)[before.id][0] == old


def test_an_area_replan_carries_the_rows_of_people_outside_without_writing_them(
    uow: UnitOfWork, replanned: District
) -> None:
    before = latest(uow)
    outside = {replanned.accounts["w_b1"]}
    with uow:
        kept = {r.id: values(r) for r in uow.plans.visits(before.id) if r.worker_id in outside}
    assert kept

    outcome = plan_month(
        uow, caller=SYSTEM, month=DECEMBER, area_code=replanned.codes["street_a"], force=True,
        executor="serial", settings=REPRODUCIBLE,
    )  # fmt: skip

    assert outcome.created
    with uow:
        now = {r.id: values(r) for r in uow.plans.visits(outcome.version_id) if r.worker_id in outside}
    assert now == kept  # the same rows, not copies
    inserted, retired = written_by(uow, outcome.version_id)
    assert not {r.worker_id for r in inserted + retired} & outside


def test_a_version_written_with_a_lower_id_than_one_before_it_is_refused(uow: UnitOfWork) -> None:
    """Rows are told apart by comparing version ids, so ids must follow the numbers within a month."""

    def version(version_id: int, number: int) -> PlanVersion:
        return PlanVersion(
            id=version_id, month="2027-03", number=number, area_path="/", trigger="plan", fingerprint="f",
            created_at=datetime(2027, 2, 25, tzinfo=SHANGHAI), solver_seconds=0.0, planned_count=0,
            unplanned_count=0, substituted_count=0, summary={},
        )  # fmt: skip

    with uow:
        highest = uow.session.scalar(select(func.max(PlanVersion.id))) or 0
        uow.plans.add(version(highest + 10, 1), [], [])
        with pytest.raises(VersionOrderBroken):
            uow.plans.add(version(highest + 5, 2), [], [])
