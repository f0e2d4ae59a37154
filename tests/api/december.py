"""The supervisor tests' month: December 2026 in the test district, judged on Thursday 10 December at 15:00.

Everyone is owed one home visit (the factory's people are made 71, so no weekly high-risk rule applies):

| person | grid | planned | recorded | on 10 Dec |
|---|---|---|---|---|
| a1 | a1 | 2 Dec, w_a1 | visited 2 Dec | covered |
| a1b | a1 | 16 Dec, w_a1 | - | pending |
| a2 | a2 | 3 Dec, w_a2 | not at home 3 Dec | not_home, at risk (no slot left) |
| b1 | b1 | 4 Dec, w_b1 | - | missed, at risk (no slot left) |
| refuser | a2 | - | - | not coverable: refuses all contact |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tests.factories import SYSTEM, District, elder_data, make_plan, make_record
from tests.fieldwork import set_elder
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.model import Category, VisitKind, VisitOutcome
from visitsvc.oversight import decisions
from visitsvc.register import elders

TODAY = date(2026, 12, 10)
NOW = datetime(2026, 12, 10, 15, 0, tzinfo=SHANGHAI)
WORKDAYS_LEFT = 16  # 10-11, 14-18, 21-25, 28-31 December


@dataclass
class December:
    people: dict[str, int]
    planned: dict[str, int]  # person -> planned visit id
    records: dict[str, int]  # person -> recorded outcome id


def december(uow: UnitOfWork, clock: FixedClock, district: District) -> December:
    people = dict(district.elders)
    for key in ("elder_a1", "elder_a2", "elder_b1"):
        set_elder(uow, people[key], birth_date=date(1955, 3, 1))
    codes = district.codes
    people["elder_a1b"] = elders.create_elder(
        uow,
        caller=SYSTEM,
        data=elder_data(
            codes["grid_a1"],
            name="陈桂兰",
            birth_date=date(1950, 8, 2),
            categories=frozenset({Category.EMPTY_NEST}),
        ),
    ).id
    people["refuser"] = elders.create_elder(
        uow,
        caller=SYSTEM,
        data=elder_data(
            codes["grid_a2"],
            name="刘建国",
            birth_date=date(1952, 1, 9),
            categories=frozenset({Category.CHILDLESS}),
        ),
    ).id
    decisions.mark_refuses_contact(uow, caller=SYSTEM, elder_id=people["refuser"], reason="本人拒绝一切联系")
    w = district.accounts
    home = VisitKind.HOME
    ids = make_plan(
        uow,
        "2026-12",
        [
            (people["elder_a1"], w["w_a1"], date(2026, 12, 2), home),
            (people["elder_a1b"], w["w_a1"], date(2026, 12, 16), home),
            (people["elder_a2"], w["w_a2"], date(2026, 12, 3), home),
            (people["elder_b1"], w["w_b1"], date(2026, 12, 4), home),
        ],
    )
    planned = dict(zip(("elder_a1", "elder_a1b", "elder_a2", "elder_b1"), ids, strict=True))
    clock.set(NOW)
    records = {
        "elder_a1": make_record(
            uow, elder_id=people["elder_a1"], worker_id=w["w_a1"], day=date(2026, 12, 2),
            planned_visit_id=planned["elder_a1"],
        ),
        "elder_a2": make_record(
            uow, elder_id=people["elder_a2"], worker_id=w["w_a2"], day=date(2026, 12, 3),
            outcome=VisitOutcome.NOT_HOME, planned_visit_id=planned["elder_a2"],
        ),
    }  # fmt: skip
    return December(people, planned, records)
