"""Proof of visit: was the phone at the registered home, with a usable fix, for long enough? Does the visit
confirm a home whose registered position is still a guess?

Pure, and it only ever flags: a visit is never refused for its position (a weak signal in a village is normal,
and a flagged visit still counts until a supervisor decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from visitsvc.field.thresholds import FieldRules
from visitsvc.field.visit_input import Position
from visitsvc.kernel.geo import haversine_m
from visitsvc.model.enums import VisitKind
from visitsvc.model.visit import FlagKind, VisitOutcome


@dataclass(frozen=True, slots=True)
class FlagSpec:
    kind: FlagKind
    detail: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class Proof:
    distance_m: float | None  # from the registered home; None without a position or a home location
    flags: tuple[FlagSpec, ...]
    # An unverified home met in person with a good fix within the far limit of it: the register's position
    # is right, and the service marks it verified (field/home_location.py).
    confirms_home: bool = False


def far_limit_m(accuracy_m: float | None, rules: FieldRules) -> float:
    """How far from the registered home a fix may be and still be at it: the proof-of-visit distance."""
    return max(rules.far_min_m, rules.far_accuracy_factor * (accuracy_m or 0.0))


def is_good_fix(accuracy_m: float | None, rules: FieldRules) -> bool:
    """Precise enough to say where a home is: to confirm the register's position or to propose another."""
    return accuracy_m is not None and accuracy_m <= rules.good_fix_m


def proof_of_visit(
    *,
    kind: VisitKind,
    outcome: VisitOutcome,
    started_at: datetime,
    ended_at: datetime,
    position: Position | None,
    home: tuple[float, float] | None,
    home_verified: bool,
    rules: FieldRules,
) -> Proof:
    if kind is not VisitKind.HOME:
        return Proof(None, ())
    flags: list[FlagSpec] = []
    minutes = (ended_at - started_at).total_seconds() / 60
    # Only a visit that claims to have met the person needs time on site; "not at home" takes a knock.
    if outcome is VisitOutcome.VISITED and minutes < rules.min_minutes_on_site:
        flags.append(FlagSpec(FlagKind.TOO_SHORT, {"minutes": round(minutes, 1)}))
    if position is None:
        return Proof(None, tuple(flags))
    accuracy = position.accuracy_m
    distance = None if home is None else round(haversine_m(home[0], home[1], position.lon, position.lat), 1)
    if accuracy is not None and accuracy > rules.poor_accuracy_m:
        flags.append(FlagSpec(FlagKind.POOR_ACCURACY, {"accuracy_m": accuracy}))
    good_fix = is_good_fix(accuracy, rules)
    near = distance is not None and distance <= far_limit_m(accuracy, rules)
    if not home_verified and good_fix and near:
        # The fix agrees with the register's guess, so there is nothing to propose: met at that door, the
        # person confirms it; nobody met (not at home, refused), it stays a guess for the next visit.
        return Proof(distance, tuple(flags), confirms_home=outcome is VisitOutcome.VISITED)
    if not home_verified and good_fix:
        # The register's point is a guess (or missing): a good fix at the door is better evidence than it.
        flags.append(
            FlagSpec(
                FlagKind.LOCATION_PROPOSED,
                {"lon": position.lon, "lat": position.lat, "accuracy_m": accuracy, "distance_m": distance},
            )
        )
    elif distance is not None and not near:
        limit = far_limit_m(accuracy, rules)
        flags.append(
            FlagSpec(FlagKind.TOO_FAR, {"distance_m": distance, "limit_m": limit, "accuracy_m": accuracy})
        )
    return Proof(distance, tuple(flags))
