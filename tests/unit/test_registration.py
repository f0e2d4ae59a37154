"""A new register entry written as a row (the 台账 import's way) is exactly what `apply` writes onto a new
Elder (registering one person's way): the same column values, categories and audited changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from tests.factories import elder_data
from visitsvc.model import AbilityLevel, Area, AreaLevel, Category, Elder, ElderStatus, Willingness
from visitsvc.register.elder_validation import ElderData
from visitsvc.register.elders import apply, registration

TODAY = date(2026, 11, 25)
AT = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
GRID = Area(id=7, code="330106001001001", name="保俶一网格", level=AreaLevel.GRID, path="/1/2/4/7/")

ENTRIES = {
    "the fewest fields": elder_data(GRID.code, phone=None, lon=None, lat=None),
    "every field": elder_data(
        GRID.code,
        categories=frozenset({Category.LIVING_ALONE, Category.DISABLED}),
        ability_level=AbilityLevel.MODERATE,
        emergency_contact="王明（儿子）",
        emergency_phone="13900002222",
        willingness=Willingness.PHONE_ONLY,
        preferred_start=time(9, 0),
        preferred_end=time(11, 30),
        notes="上午在家",
    ),
    "over 80, 高龄 added": elder_data(GRID.code, birth_date=date(1940, 5, 17)),
    "under 80, 高龄 given but dropped": elder_data(
        GRID.code,
        birth_date=date(1955, 3, 1),
        categories=frozenset({Category.VERY_OLD, Category.LIVING_ALONE}),
    ),
}


def by_apply(data: ElderData) -> tuple[Elder, dict[str, list[Any]]]:
    elder = Elder(status=ElderStatus.ACTIVE, status_since=TODAY, created_at=AT, updated_at=AT)
    elder.category_rows = []
    return elder, apply(elder, data, GRID, today=TODAY, at=AT)


@pytest.mark.parametrize("data", ENTRIES.values(), ids=ENTRIES.keys())
def test_a_registration_row_is_what_apply_writes_onto_a_new_elder(data: ElderData) -> None:
    elder, changes = by_apply(data)
    new = registration(data, GRID, today=TODAY, at=AT)
    assert new.changes == changes
    assert list(new.changes) == list(changes), "the audit shows the changes in the same order"
    assert new.categories == elder.categories
    # The version is the one column `apply` leaves to the ORM's default: 1 at the first flush.
    assert {c: getattr(elder, c) for c in new.values if c != "version"} == {
        c: v for c, v in new.values.items() if c != "version"
    }
    assert new.values["version"] == 1
    assert new.values["id_number_index"] == elder.id_number_index
    assert (new.values["location_verified"], new.values["grid_id"]) == (False, GRID.id)
