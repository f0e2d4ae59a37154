"""A home's registered position confirmed by a visit.

A position typed into the 台账 is a guess (register/elders.py `apply`) until someone stands at it: a home
visit that met the person, with a good fix within the proof-of-visit distance of the registered point (the
rule is field/proof.py's), marks it verified. Nobody decided that but the system, so the audit entry is the
system's; it names the visit, and holds no coordinates: the distance and accuracy it gives are the record's.

Written in the record's own transaction, after its INSERT, by a conditional update: the home is verified only
if it is still unverified and still where the visit measured it. So a retried or replayed record (stored once
per client_id), two visits confirming the same home at once, or a supervisor moving the home in between, all
verify it at most once, with one audit entry, and never a position the visit was not measured against.
"""

from __future__ import annotations

from dataclasses import dataclass

from visitsvc.access.scoping import Caller
from visitsvc.accounts import audit
from visitsvc.field.proof import Proof
from visitsvc.field.visit_input import Position
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Elder

LOCATION_VERIFIED = "elder.location_verified"


@dataclass(frozen=True, slots=True)
class HomeConfirmation:
    """A visit's evidence that the registered position is right, with what the write needs to check it."""

    elder_id: int
    lon: float  # the registered position the visit was measured against (WGS-84)
    lat: float
    area_path: str  # the person's grid, where the audit entry is filed
    distance_m: float
    accuracy_m: float


def confirmation_of(elder: Elder, proof: Proof, position: Position | None) -> HomeConfirmation | None:
    """What a checked visit confirms, if anything (pure)."""
    if not proof.confirms_home or elder.lon is None or elder.lat is None:
        return None
    if position is None or position.accuracy_m is None or proof.distance_m is None:
        return None  # cannot happen when confirms_home holds; keeps the types honest
    return HomeConfirmation(
        elder_id=elder.id,
        lon=elder.lon,
        lat=elder.lat,
        area_path=elder.grid.path,
        distance_m=proof.distance_m,
        accuracy_m=position.accuracy_m,
    )


def confirm(uow: UnitOfWork, confirmation: HomeConfirmation, *, visit_id: int) -> bool:
    """Inside the caller's unit of work (which commits it with the record): verify the home and audit it,
    or do nothing when it is already verified or has moved since. True when this visit verified it."""
    verified = uow.elders.verify_location(
        confirmation.elder_id, lon=confirmation.lon, lat=confirmation.lat, at=uow.clock.now()
    )
    if verified:
        audit.record(
            uow,
            Caller.system(),
            action=LOCATION_VERIFIED,
            record_type="elder",
            record_id=confirmation.elder_id,
            area_path=confirmation.area_path,
            details={
                "changes": {"location_verified": [False, True]},
                "visit_id": visit_id,
                "distance_m": confirmation.distance_m,
                "accuracy_m": confirmation.accuracy_m,
            },
        )
    return verified
