"""A stored version's rows read as values, and carried into a new version unchanged."""

from __future__ import annotations

from datetime import date, time

from visitsvc.model import PlannedVisit, UnplannedVisit, VisitKind
from visitsvc.planning.plan_rows import MissingRow, PlanRow
from visitsvc.planning.plan_versions import copy_row, copy_unplanned

COLUMNS = ("elder_id", "worker_id", "day", "seq", "arrival", "kind", "obligation", "rule", "substituted",
           "moved", "pinned")  # fmt: skip


def stored() -> PlannedVisit:
    return PlannedVisit(
        id=31, version_id=4, elder_id=7, worker_id=2, day=date(2026, 12, 15), seq=3, arrival=time(10, 30),
        kind=VisitKind.HOME, obligation="week-2026-12-14", rule="weekly_high_risk", substituted=False,
        moved=True, pinned=True,
    )  # fmt: skip


def test_a_row_read_as_a_value_keeps_its_id_and_every_column() -> None:
    row = stored()
    value = PlanRow.of(row)
    assert value.id == 31
    assert [getattr(value, c) for c in COLUMNS] == [getattr(row, c) for c in COLUMNS]


def test_a_value_carried_into_a_new_version_is_a_new_row_with_the_same_columns() -> None:
    copy = copy_row(PlanRow.of(stored()))
    assert isinstance(copy, PlannedVisit)
    assert copy.id is None
    assert [getattr(copy, c) for c in COLUMNS] == [getattr(stored(), c) for c in COLUMNS]
    assert copy_row(PlanRow.of(stored()), seq=9).seq == 9


def test_an_unplanned_visit_read_as_a_value_is_carried_over_as_it_was() -> None:
    row = UnplannedVisit(id=5, version_id=4, elder_id=7, grid_id=3, kind=VisitKind.PHONE, obligation="m",
                         reason="capacity")  # fmt: skip
    copy = copy_unplanned(MissingRow.of(row))
    carried = (copy.elder_id, copy.grid_id, copy.kind, copy.obligation, copy.reason)
    assert carried == (7, 3, VisitKind.PHONE, "m", "capacity")
