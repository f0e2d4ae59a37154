"""The ruin half of ruin-and-recreate: which visits to take out of a plan's routes (pure Python).

Slack induction by string removals (SISR, Christiaens and Vanden Berghe 2020), simplified: from a random seed
visit, walk its nearest neighbours; each neighbour whose route is not yet ruined loses a string of consecutive
visits that contains it. Removing strings of neighbouring routes leaves room where visits are close together,
which a descent's one-visit moves cannot make. The recreate half is OR-Tools' descent (`_ortools`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

# The paper's defaults: strings of at most 10 visits, about 10 visits removed per ruin.
MAX_STRING = 10
MEAN_REMOVED = 10


class Neighbours:
    """Visits by travel time from each visit, sorted on first use (a ruin needs only its seed's)."""

    def __init__(self, travel: Sequence[Sequence[int]], visits: int) -> None:
        self._travel = travel
        self._visits = visits
        self._sorted: dict[int, list[int]] = {}

    def of(self, visit: int) -> list[int]:
        order = self._sorted.get(visit)
        if order is None:
            row = self._travel[visit]
            order = sorted(range(self._visits), key=lambda other: (row[other], other))
            self._sorted[visit] = order
        return order


def ruin(routes: Sequence[Sequence[int]], neighbours: Neighbours, rng: random.Random) -> list[list[int]]:
    """`routes` with a few strings of neighbouring visits removed; the caller leaves those unperformed."""
    kept = [list(route) for route in routes]
    where = {visit: r for r, route in enumerate(kept) for visit in route}
    if not where:
        return kept
    lengths = [len(route) for route in kept if route]
    string_max = min(MAX_STRING, sum(lengths) / len(lengths))
    strings_max = 4 * MEAN_REMOVED / (1 + string_max) - 1
    strings = max(1, math.floor(rng.uniform(1, strings_max + 1)))
    seed = rng.choice(sorted(where))
    ruined: set[int] = set()
    for visit in neighbours.of(seed):
        if len(ruined) >= strings:
            break
        r = where.get(visit)
        if r is None or r in ruined:
            continue
        ruined.add(r)
        route = kept[r]
        length = min(len(route), max(1, math.floor(rng.uniform(1, min(string_max, len(route)) + 1))))
        at = route.index(visit)
        first = rng.randint(max(0, at - length + 1), min(at, len(route) - length))
        del route[first : first + length]
    return kept
