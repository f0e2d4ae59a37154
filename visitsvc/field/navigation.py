"""Links that open the phone's map app at a stop. 高德 reads GCJ-02 and 百度 BD-09, so each link carries the
point converted to its own datum and says which one it is.

The label is the stop's number, not the person's name: the link goes to a third-party map service (and a
short link keeps a 25-stop day small).
"""

from __future__ import annotations

from dataclasses import dataclass

from visitsvc.kernel.geo import gcj02_to_bd09, wgs84_to_gcj02

SOURCE = "visitsvc"


@dataclass(frozen=True, slots=True)
class NavLinks:
    amap: str
    baidu: str


def gcj02(lon: float, lat: float) -> tuple[float, float]:
    glon, glat = wgs84_to_gcj02(lon, lat)
    return round(glon, 6), round(glat, 6)


def nav_links(lon: float, lat: float, label: str) -> NavLinks:
    """`lon`, `lat` in WGS-84, as the register stores them; `label` is URL-safe (the stop's number)."""
    glon, glat = gcj02(lon, lat)
    blon, blat = gcj02_to_bd09(glon, glat)
    # Formatted by hand: a day's route builds dozens of these per poll, and urlencode is most of their cost.
    amap = (
        f"https://uri.amap.com/marker?position={glon},{glat}&name={label}"
        f"&coordinate=gaode&callnative=1&src={SOURCE}"
    )
    baidu = (  # 百度 puts the latitude first
        f"https://api.map.baidu.com/marker?location={blat:.6f},{blon:.6f}&title={label}"
        f"&coord_type=bd09ll&output=html&src={SOURCE}"
    )
    return NavLinks(amap, baidu)
