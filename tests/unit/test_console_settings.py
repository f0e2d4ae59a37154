"""The console's map settings: a tile URL is checked at start-up, its host becomes the only image source the
Content-Security-Policy adds, and its datum says how points are drawn."""

from __future__ import annotations

import pytest

from api.console.settings import console_settings
from visitsvc.config import ConfigError, Settings
from visitsvc.kernel.geo import Datum

AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


def settings(environment: str = "development", **extra: str) -> Settings:
    return Settings(secret_key="s" * 48, environment=environment, extra=extra)


def test_without_a_tile_url_the_map_is_drawn_offline() -> None:
    console = console_settings(settings())
    assert (console.tile_url, console.tile_source, console.tile_datum) == (None, None, Datum.WGS84)


def test_a_subdomain_placeholder_becomes_a_wildcard_source() -> None:
    console = console_settings(settings(VISITSVC_TILE_URL=AMAP, VISITSVC_TILE_DATUM="GCJ02"))
    assert console.tile_source == "https://*.is.autonavi.com"
    assert console.tile_datum is Datum.GCJ02
    osm = console_settings(settings(VISITSVC_TILE_URL="http://tiles.local:8080/{z}/{x}/{y}.png"))
    assert osm.tile_source == "http://tiles.local:8080"


@pytest.mark.parametrize(
    ("url", "datum"),
    [
        ("ftp://tiles.example/{z}/{x}/{y}.png", ""),
        ("https://tiles.example/{z}/{x}.png", ""),
        ("https://tiles.example/{z}/{x}/{y}.png", "BD09"),
        ("https://tiles.example/{z}/{x}/{y}.png", "mercator"),
    ],
)
def test_a_tile_setting_that_cannot_work_stops_the_start(url: str, datum: str) -> None:
    with pytest.raises(ConfigError):
        console_settings(settings(VISITSVC_TILE_URL=url, VISITSVC_TILE_DATUM=datum))


def test_the_session_cookie_is_secure_in_production_or_behind_https() -> None:
    assert not console_settings(settings()).https
    assert console_settings(settings(VISITSVC_HTTPS="1")).https
    assert console_settings(settings("production")).https
