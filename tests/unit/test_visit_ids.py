"""A visit's id inside routing problems: one spelling, read back the same."""

from __future__ import annotations

from datetime import date

import pytest

from visitsvc.model import PlannedVisit, VisitKind
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.route_problems import visit_id
from visitsvc.planning.visit_ids import VisitId


def test_the_text_is_the_person_then_the_obligation() -> None:
    assert str(VisitId(42, "week-2026-12-14")) == "42|week-2026-12-14"


def test_an_owed_visit_and_the_row_planned_for_it_have_one_id() -> None:
    owed = Owed(42, VisitKind.HOME, date(2026, 12, 14), date(2026, 12, 18), Rule.WEEKLY_HIGH_RISK, "week-x")
    row = PlannedVisit(elder_id=42, obligation="week-x")
    assert VisitId.of(owed) == VisitId.of_row(row) == VisitId(42, "week-x")
    assert visit_id(owed) == "42|week-x"


def test_parse_reads_back_what_str_wrote_even_with_a_separator_in_the_obligation() -> None:
    for vid in (VisitId(7, "month-2026-12"), VisitId(7, "odd|key")):
        assert VisitId.parse(str(vid)) == vid


@pytest.mark.parametrize("text", ["", "42", "42|", "|week", "x|week", "-1|week"])
def test_parse_refuses_what_is_not_a_visit_id(text: str) -> None:
    with pytest.raises(ValueError, match="not a visit id"):
        VisitId.parse(text)


def test_ids_sort_by_person_then_obligation() -> None:
    assert sorted([VisitId(10, "a"), VisitId(9, "b"), VisitId(9, "a")]) == [
        VisitId(9, "a"),
        VisitId(9, "b"),
        VisitId(10, "a"),
    ]
