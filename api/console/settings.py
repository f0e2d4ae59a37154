"""The console's settings, read from VISITSVC_* like every other: the map's base layer and HTTPS."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from visitsvc.config import ConfigError, Settings
from visitsvc.kernel.geo import Datum, parse_datum

_PLACEHOLDERS = ("{z}", "{x}", "{y}")


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    tile_url: str | None  # a Leaflet tile template; None: points and lines on a plain background
    tile_datum: Datum  # what the tiles are drawn in: 高德/腾讯 tiles are GCJ-02, OpenStreetMap WGS-84
    tile_attribution: str
    https: bool  # the session cookie is Secure

    @property
    def tile_source(self) -> str | None:
        """The tile host as a Content-Security-Policy source; a `{s}` subdomain becomes a wildcard."""
        if not self.tile_url:
            return None
        parts = urlsplit(self.tile_url)
        host = parts.hostname or ""
        labels = host.split(".")
        if any("{" in label for label in labels):
            last = max(i for i, label in enumerate(labels) if "{" in label)
            host = ".".join(["*", *labels[last + 1 :]])
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}"


def console_settings(settings: Settings) -> ConsoleSettings:
    env = settings.extra
    tile_url = env.get("VISITSVC_TILE_URL", "").strip() or None
    if tile_url is not None:
        parts = urlsplit(tile_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ConfigError("VISITSVC_TILE_URL must be an http(s) URL")
        if not all(p in tile_url for p in _PLACEHOLDERS) or re.search(r"\s", tile_url):
            raise ConfigError("VISITSVC_TILE_URL must contain {z}, {x} and {y}")
    try:
        datum = parse_datum(env.get("VISITSVC_TILE_DATUM"))
    except ValueError as exc:
        raise ConfigError(f"VISITSVC_TILE_DATUM: {exc}") from None
    if datum is Datum.BD09:
        raise ConfigError("VISITSVC_TILE_DATUM: BD-09 tiles (百度) use their own projection; not supported")
    https = env.get("VISITSVC_HTTPS", "").strip().lower() in ("1", "true", "yes")
    return ConsoleSettings(
        tile_url=tile_url,
        tile_datum=datum,
        tile_attribution=env.get("VISITSVC_TILE_ATTRIBUTION", "").strip(),
        https=https or settings.is_production,
    )
