"""The dice of a simulated month: every random choice `visitsvc simulate` makes, from one seeded
`random.Random`.

Pure. The day loop asks in a fixed order (workers by id, stops in route order), so the same seed on the same
register plays the same month.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, time, timedelta
from typing import TypeVar

from visitsvc.kernel import idnumber
from visitsvc.model.enums import AbilityLevel, Category, Sex, VisitKind, Willingness
from visitsvc.model.visit import VisitOutcome
from visitsvc.register.elder_validation import ElderData

T = TypeVar("T")
METRES_PER_DEGREE = 111_320.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("秀英", "桂英", "玉兰", "凤英", "建国", "德明", "国强", "淑珍", "福生", "春花", "金发", "志明")


@dataclass(frozen=True, slots=True)
class Rates:
    """Probabilities of a simulated month (README, "Simulation")."""

    not_home: float = 0.15  # per unannounced home visit
    not_home_agreed: float = 0.03  # per home visit at an agreed time (预约): nobody there all the same
    answer: float = 0.8  # per phone call: answered (a phone visit, a call ahead, a call at the door)
    call_ahead: float = 0.6  # share of the next working day's unbooked home visits the worker calls ahead
    other_day: float = 0.25  # share of people reached ahead who name another day of the window
    sick: float = 0.03  # per worker and working day: a sick day reported that morning
    new: float = 0.01  # share of the register newly registered over the month, spread over its working days
    hospital: float = 0.005  # per visit: found to be in hospital
    refused: float = 0.02  # per home visit: refused at the door (the phone fallback follows)
    deceased: float = 0.0005  # per visit
    moved_out: float = 0.0005  # per home visit
    offline: float = 0.2  # per worker and day: the phone syncs the day in the evening, not at each door

    def errors(self) -> dict[str, list[str]]:
        wrong = [f.name for f in fields(self) if not 0.0 <= float(getattr(self, f.name)) <= 1.0]
        return {name: ["须在 0 到 1 之间"] for name in wrong}


@dataclass(frozen=True, slots=True)
class Fix:
    """Where the phone says it is."""

    lon: float
    lat: float
    accuracy_m: float


class Draws:
    def __init__(self, seed: int, rates: Rates) -> None:
        self.rates = rates
        self._rng = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    def sick(self) -> bool:
        return self.chance(self.rates.sick)

    def offline(self) -> bool:
        return self.chance(self.rates.offline)

    def outcome(self, kind: VisitKind, *, agreed: bool = False) -> VisitOutcome:
        """One draw per visit, split into the outcomes' shares; the rest is `visited`. Nobody answers a call
        as often as `answer` says; nobody is home at an agreed time as often as `not_home_agreed` says."""
        r = self.rates
        nobody_home = r.not_home_agreed if agreed else r.not_home
        shares: tuple[tuple[VisitOutcome, float], ...]
        if kind is VisitKind.HOME:
            shares = (
                (VisitOutcome.DECEASED, r.deceased),
                (VisitOutcome.MOVED_OUT, r.moved_out),
                (VisitOutcome.HOSPITALIZED, r.hospital),
                (VisitOutcome.REFUSED, r.refused),
                (VisitOutcome.NOT_HOME, nobody_home),
            )
        else:
            shares = (
                (VisitOutcome.DECEASED, r.deceased),
                (VisitOutcome.HOSPITALIZED, r.hospital),
                (VisitOutcome.UNREACHABLE, 1 - r.answer),
            )
        x = self._rng.random()
        for outcome, share in shares:
            if x < share:
                return outcome
            x -= share
        return VisitOutcome.VISITED

    def answers(self) -> bool:
        """A call gets through: the fallback after a refusal, a call to a high-risk person not found or at a
        last-chance door, a call ahead."""
        return self.chance(self.rates.answer)

    def calls_ahead(self) -> bool:
        return self.chance(self.rates.call_ahead)

    def names_another_day(self) -> bool:
        return self.chance(self.rates.other_day)

    def stay_days(self) -> int:
        """How long a hospital stay lasts."""
        return self._rng.randint(3, 20)

    def began(self, earliest: date, found: date) -> date:
        """When a hospital stay, a death or a move that a visit found began: a day from `earliest` (after
        the person was last seen) to the day it was found, as the family tells the supervisor."""
        if earliest >= found:
            return found
        return earliest + timedelta(days=self._rng.randint(0, (found - earliest).days))

    def registrations(self, register_size: int, workdays: int) -> int:
        """How many people are registered today: Binomial(register, new / working days of the month)."""
        if workdays <= 0 or register_size <= 0 or self.rates.new <= 0:
            return 0
        p = min(1.0, self.rates.new / workdays)
        return sum(self._rng.random() < p for _ in range(register_size))

    def client_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def lateness(self) -> timedelta:
        """Arriving after the planned time: traffic, a long conversation at the previous door."""
        return timedelta(minutes=self._rng.randint(0, 12))

    def minutes_on_site(self, kind: VisitKind, outcome: VisitOutcome) -> int:
        if outcome is VisitOutcome.VISITED:
            return self._rng.randint(20, 40) if kind is VisitKind.HOME else self._rng.randint(5, 12)
        return self._rng.randint(2, 6)

    def fix_near(self, lon: float, lat: float) -> Fix:
        """A good GPS fix at the door: within 25 m, accuracy 5-20 m (proof of visit stays clean)."""
        return Fix(*self.offset(lon, lat, 25.0), accuracy_m=float(self._rng.randint(5, 20)))

    def offset(self, lon: float, lat: float, metres: float) -> tuple[float, float]:
        distance, bearing = self._rng.uniform(0, metres), self._rng.uniform(0, 2 * math.pi)
        north, east = distance * math.cos(bearing), distance * math.sin(bearing)
        per_lon = METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01)
        return round(lon + east / per_lon, 6), round(lat + north / METRES_PER_DEGREE, 6)

    def pick(self, items: Sequence[T]) -> T:
        return items[self._rng.randrange(len(items))]

    def new_elder(
        self,
        grid_code: str,
        *,
        today: date,
        neighbour: tuple[float, float] | None,
        address: str,
    ) -> ElderData:
        """A person as a community office registers them: 60-95, mostly agreeing to home visits, living near
        someone already on the grid's register."""
        rng = self._rng
        sex = Sex.MALE if rng.random() < 0.45 else Sex.FEMALE
        age = min(60 + int(rng.expovariate(1 / 12)), 99)
        birth = date(today.year - age - 1, 1, 1) + timedelta(days=rng.randint(1, 364))
        sequence = rng.randrange(1, 500) * 2 - (1 if sex is Sex.MALE else 0)
        first17 = f"{grid_code[:6]}{birth:%Y%m%d}{sequence:03d}"
        categories = {
            rng.choices(
                (Category.EMPTY_NEST, Category.LIVING_ALONE, Category.LEFT_BEHIND, Category.CHILDLESS),
                weights=(50, 30, 15, 5),
            )[0]
        }
        ability = rng.choices(
            (AbilityLevel.INTACT, AbilityLevel.MILD, AbilityLevel.MODERATE, AbilityLevel.SEVERE),
            weights=(55, 25, 15, 5),
        )[0]
        if ability in (AbilityLevel.MODERATE, AbilityLevel.SEVERE):
            categories.add(Category.DISABLED)
        willingness = rng.choices(
            (Willingness.HOME, Willingness.PHONE_ONLY, Willingness.REFUSES_HOME), weights=(90, 7, 3)
        )[0]
        lon, lat = self.offset(*neighbour, 150.0) if neighbour else (None, None)
        mornings = rng.random() < 0.1  # some only open the door in the morning
        return ElderData(
            name=self.pick(SURNAMES) + self.pick(GIVEN),
            id_number=first17 + idnumber.check_character(first17),
            sex=sex,
            birth_date=birth,
            address=address,
            grid_code=grid_code,
            categories=frozenset(categories),
            phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            lon=lon,
            lat=lat,
            ability_level=ability,
            willingness=willingness,
            preferred_start=time(9, 0) if mornings else None,
            preferred_end=time(11, 30) if mornings else None,
            notes="模拟登记",
        )
