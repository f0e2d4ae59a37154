"""Haversine travel times: detour factor and speed by travel mode."""

from __future__ import annotations

import random

import pytest

from routing import HaversineProvider, Location, Matrix, TravelMode, build_matrices
from routing.matrix import DEFAULT_DETOUR, haversine_m

# 0.01 degree of latitude is 1,112 m anywhere.
HOME, NORTH = Location(116.4, 39.9), Location(116.4, 39.91)


@pytest.mark.parametrize(
    ("mode", "kmh"), [(TravelMode.WALK, 4.5), (TravelMode.EBIKE, 15.0), (TravelMode.CAR, 30.0)]
)
def test_seconds_are_street_metres_over_speed(mode: TravelMode, kmh: float) -> None:
    matrix = HaversineProvider().matrix([HOME, NORTH], mode)
    expected = 1111.95 * 1.3 / (kmh / 3.6)
    assert matrix(0, 1) == matrix(1, 0) == pytest.approx(expected, abs=1)
    assert matrix(0, 0) == 0


def test_detour_factor_scales_times() -> None:
    plain = HaversineProvider(detour=1.0).matrix([HOME, NORTH], TravelMode.WALK)
    assert plain(0, 1) == pytest.approx(1111.95 / (4.5 / 3.6), abs=1)


def test_one_matrix_per_mode() -> None:
    matrices = build_matrices([HOME, NORTH], [TravelMode.CAR, TravelMode.WALK, TravelMode.CAR])
    assert [m.mode for m in matrices] == [TravelMode.CAR, TravelMode.WALK]


def test_rows_pick_a_sub_matrix_in_order() -> None:
    matrix = Matrix.from_rows(TravelMode.WALK, [[0, 1, 2], [3, 0, 4], [5, 6, 0]])
    assert matrix.rows([2, 0]) == [[0, 5], [2, 0]]


def test_matrix_refuses_wrong_sizes_and_negative_times() -> None:
    with pytest.raises(ValueError, match="entries"):
        Matrix(TravelMode.WALK, 2, (0, 1, 2))
    with pytest.raises(ValueError, match="negative"):
        Matrix(TravelMode.WALK, 1, (-1,))


def test_the_whole_matrix_is_each_pair_s_haversine_time_rounded() -> None:
    """All pairs are computed at once; each entry is what one pair's formula gives, to the second."""
    rng = random.Random(3)
    points = [Location(116 + rng.uniform(0, 0.7), 39.6 + rng.uniform(0, 0.5)) for _ in range(40)]
    matrix = HaversineProvider().matrix(points, TravelMode.EBIKE)
    per_second = 15.0 / 3.6
    expected = [round(haversine_m(a, b) * DEFAULT_DETOUR / per_second) for a in points for b in points]
    assert list(matrix.seconds) == expected
    assert all(type(s) is int for s in matrix.seconds)
