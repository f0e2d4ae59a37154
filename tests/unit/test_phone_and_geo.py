from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from visitsvc.kernel import geo
from visitsvc.kernel.phone_numbers import mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("０５７１－８８８８８８８８", "0571-88888888"),
        ("057188888888", "0571-88888888"),
        ("(010)62345678", "010-62345678"),
    ],
)
def test_phone_numbers_are_stored_in_one_form(raw: str, stored: str) -> None:
    assert normalize_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "23812345678", "8888888", "abc"])
def test_other_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="电话"):
        normalize_phone(raw)


def test_masks_hide_the_middle() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0571-88881234") == "0571-****1234"


def test_gcj02_of_a_known_point_in_hangzhou_is_hundreds_of_metres_off() -> None:
    lon, lat = geo.wgs84_to_gcj02(120.1551, 30.2741)
    shift = geo.haversine_m(120.1551, 30.2741, lon, lat)
    assert 300 < shift < 700


@given(st.floats(min_value=98, max_value=125), st.floats(min_value=20, max_value=45))
def test_datum_conversions_round_trip_within_a_metre(lon: float, lat: float) -> None:
    for datum in (geo.Datum.GCJ02, geo.Datum.BD09):
        shifted = geo.wgs84_to_gcj02(lon, lat) if datum is geo.Datum.GCJ02 else geo.wgs84_to_bd09(lon, lat)
        back = geo.to_wgs84(*shifted, datum)
        assert geo.haversine_m(lon, lat, *back) < 1.0


@pytest.mark.parametrize(
    ("raw", "datum"), [("", geo.Datum.WGS84), ("gcj02", geo.Datum.GCJ02), ("BD-09", geo.Datum.BD09)]
)
def test_datum_names_as_clerks_write_them(raw: str, datum: geo.Datum) -> None:
    assert geo.parse_datum(raw) is datum


def test_china_bounding_box_catches_swapped_coordinates() -> None:
    assert geo.in_china(120.15, 30.27)
    assert not geo.in_china(30.27, 120.15)
