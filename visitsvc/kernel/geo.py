"""Coordinates in the three datums that Chinese maps use.

The register stores WGS-84 (GPS). 高德 and Tencent maps use GCJ-02, 百度 uses BD-09; the
conversions below are the published approximations used by every Chinese map SDK (metre accuracy).
"""

from __future__ import annotations

import math
from enum import StrEnum

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6_371_008.8


class Datum(StrEnum):
    WGS84 = "WGS-84"
    GCJ02 = "GCJ-02"
    BD09 = "BD-09"


def parse_datum(raw: str | None) -> Datum:
    value = (raw or "").strip().upper().replace("_", "-")
    if not value:
        return Datum.WGS84
    aliases = {
        "WGS84": Datum.WGS84,
        "GPS": Datum.WGS84,
        "GCJ02": Datum.GCJ02,
        "BD09": Datum.BD09,
        "高德": Datum.GCJ02,
        "百度": Datum.BD09,
    }
    if value in aliases:
        return aliases[value]
    try:
        return Datum(value)
    except ValueError:
        raise ValueError("坐标系须为 WGS-84、GCJ-02 或 BD-09") from None


def in_china(lon: float, lat: float) -> bool:
    """A bounding box of mainland China: good enough to catch swapped or mistyped coordinates."""
    return 73.5 <= lon <= 135.1 and 18.1 <= lat <= 53.6


def _delta(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if not in_china(lon, lat):
        return lon, lat
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration: the forward shift varies slowly, so three rounds suffice."""
    wlon, wlat = lon, lat
    for _ in range(3):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        wlon, wlat = wlon - (glon - lon), wlat - (glat - lat)
    return wlon, wlat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def to_wgs84(lon: float, lat: float, datum: Datum) -> tuple[float, float]:
    if datum is Datum.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    if datum is Datum.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    return lon, lat


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))
