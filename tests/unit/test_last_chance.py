"""Which home visit is a last chance: its day is the last working day its window allows."""

from __future__ import annotations

from datetime import date

from visitsvc.planning.last_chance import is_last_chance, last_day_of

LATEST = {"week:2026-11-09": date(2026, 11, 13), "month": date(2026, 11, 30)}


def test_a_stop_is_a_last_chance_on_its_own_visits_last_day_only() -> None:
    assert is_last_chance(LATEST, date(2026, 11, 13), "week:2026-11-09")
    assert not is_last_chance(LATEST, date(2026, 11, 12), "week:2026-11-09")
    assert not is_last_chance(LATEST, date(2026, 11, 30), "week:2026-11-09")  # another visit's last day


def test_a_visit_against_no_planned_visit_is_one_on_any_of_the_persons_last_days() -> None:
    assert is_last_chance(LATEST, date(2026, 11, 30), None)
    assert not is_last_chance(LATEST, date(2026, 11, 27), None)


def test_a_visit_not_owed_as_a_home_visit_is_never_a_last_chance() -> None:
    assert not is_last_chance({}, date(2026, 11, 30), "month")


def test_the_last_day_a_visit_may_move_to_is_its_windows_end() -> None:
    latest = {"week:2026-12-07": date(2026, 12, 11), "week:2026-12-14": date(2026, 12, 18)}
    assert last_day_of(latest, date(2026, 12, 9), "week:2026-12-14") == date(2026, 12, 18)
    # Planned against no obligation owed as such: the first window still open that day.
    assert last_day_of(latest, date(2026, 12, 9), None) == date(2026, 12, 11)
    assert last_day_of(latest, date(2026, 12, 14), "month") == date(2026, 12, 18)
    assert last_day_of(latest, date(2026, 12, 21), None) is None
