"""Small pure pieces of field work: photo types, map links, settings."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from visitsvc.config import ConfigError, load_settings
from visitsvc.field.navigation import nav_links
from visitsvc.field.photo_files import sniff
from visitsvc.field.thresholds import FieldRules
from visitsvc.kernel.geo import bd09_to_gcj02, gcj02_to_wgs84, haversine_m

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "


def test_photos_are_known_by_their_bytes_not_their_names() -> None:
    assert [sniff(JPEG), sniff(PNG), sniff(WEBP)] == ["image/jpeg", "image/png", "image/webp"]
    assert sniff(b"GIF89a....") is None
    assert sniff(b"RIFF\x24\x00\x00\x00WAVEfmt ") is None
    assert sniff(b"") is None


def test_map_links_carry_each_apps_own_datum() -> None:
    lon, lat = 120.1201, 30.2801
    links = nav_links(lon, lat, "第1站")
    amap = parse_qs(urlsplit(links.amap).query)
    glon, glat = (float(v) for v in amap["position"][0].split(","))
    assert amap["coordinate"] == ["gaode"]
    assert haversine_m(*gcj02_to_wgs84(glon, glat), lon, lat) < 2, "GCJ-02 back to WGS-84 lands at home"
    baidu = parse_qs(urlsplit(links.baidu).query)
    blat, blon = (float(v) for v in baidu["location"][0].split(","))
    assert baidu["coord_type"] == ["bd09ll"]
    assert haversine_m(*gcj02_to_wgs84(*bd09_to_gcj02(blon, blat)), lon, lat) < 2


def test_field_rules_come_from_the_environment() -> None:
    settings = load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_FIELD_LATE_DAYS": "15",
                              "VISITSVC_FIELD_FAR_MIN_M": "250.5"})  # fmt: skip
    assert (settings.field_rules.late_days, settings.field_rules.far_min_m) == (15, 250.5)
    assert FieldRules.from_env({}) == FieldRules()


def test_a_malformed_field_rule_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="VISITSVC_FIELD_LATE_DAYS"):
        load_settings({"VISITSVC_SECRET_KEY": "k" * 40, "VISITSVC_FIELD_LATE_DAYS": "ten"})
