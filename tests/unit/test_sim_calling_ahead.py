"""The window a simulated call ahead agrees: an hour either side of the planned arrival, inside the hours an
appointment may have (07:00-20:00)."""

from __future__ import annotations

from datetime import time

import pytest

from visitsvc.simulation.calling_ahead import _window


@pytest.mark.parametrize(
    ("arrival", "window"),
    [
        (time(10, 15), (time(9, 15), time(11, 15))),
        (time(7, 20), (time(7, 0), time(8, 20))),
        (time(19, 30), (time(18, 30), time(20, 0))),
        (None, (time(9, 0), time(17, 0))),
    ],
)
def test_the_agreed_window_is_an_hour_either_side_of_the_planned_arrival(
    arrival: time | None, window: tuple[time, time]
) -> None:
    assert _window(arrival) == window
