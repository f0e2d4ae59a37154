"""Tiny named routing problems, each solvable by hand.

Location 0 is the worker's home; a 1-2-3 chain of elders lies 300 s apart, 600 s from home at its far end;
the chain order (either way) is the only shortest route.
"""

from __future__ import annotations

from datetime import date

import pytest

from routing import Matrix, Options, Problem, Shift, TravelMode, Visit, Window

MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)
DAY_START, DAY_END = 8 * 3600, 17 * 3600
HALF_HOUR = 1800

TRAVEL = (
    (0, 300, 450, 600),
    (300, 0, 300, 600),
    (450, 300, 0, 300),
    (600, 600, 300, 0),
)

# Reproducible and quick: a solution limit, never a clock.
FAST = Options(time_limit=None, solution_limit=30)


def walking(rows: tuple[tuple[int, ...], ...] = TRAVEL) -> Matrix:
    return Matrix.from_rows(TravelMode.WALK, rows)


def shift(day: date, worker: str = "w1", *, start: int = DAY_START, end: int = DAY_END) -> Shift:
    return Shift(worker, day, 0, start, end, TravelMode.WALK)


@pytest.fixture(scope="session")
def three_visits_two_days() -> Problem:
    """One worker, two days, three elders in one village."""
    visits = tuple(Visit(f"e{i}", i, HALF_HOUR) for i in (1, 2, 3))
    return Problem(visits, (shift(MONDAY), shift(TUESDAY)), (walking(),))


@pytest.fixture(scope="session")
def visit_with_no_allowed_day() -> Problem:
    """e2 may only be seen on a Wednesday, and the problem has Monday and Tuesday."""
    visits = (
        Visit("e1", 1, HALF_HOUR),
        Visit("e2", 2, HALF_HOUR, days=frozenset({date(2026, 12, 9)})),
        Visit("e3", 3, HALF_HOUR, workers=frozenset({"w1"})),
    )
    return Problem(visits, (shift(MONDAY), shift(TUESDAY)), (walking(),))


@pytest.fixture(scope="session")
def unreachable_window() -> Problem:
    """e3 must start by 08:05, and it is 10 minutes from home for a worker leaving at 08:00."""
    visits = (
        Visit("e1", 1, HALF_HOUR),
        Visit("e3", 3, HALF_HOUR, window=Window(DAY_START, DAY_START + 300)),
    )
    return Problem(visits, (shift(MONDAY),), (walking(),))


@pytest.fixture(scope="session")
def overloaded_day() -> Problem:
    """One two-hour shift, three one-hour visits: at most one fits (travel eats the rest), two are dropped."""
    visits = (
        Visit("e1", 1, 3600, penalty=10_000),
        Visit("e2", 2, 3600, penalty=20_000),
        Visit("e3", 3, 3600, penalty=30_000),
    )
    return Problem(visits, (shift(MONDAY, end=DAY_START + 2 * 3600),), (walking(),))
