"""Builders of register data for tests, going through the same services the API uses."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, select, update

from visitsvc.access.scoping import Caller
from visitsvc.accounts.auth import hash_password
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.model import (
    AreaLevel,
    Category,
    Elder,
    ElderStatus,
    FlagKind,
    FollowUp,
    PlannedVisit,
    PlanVersion,
    RecordState,
    Role,
    Sex,
    StatusProposal,
    VisitFlag,
    VisitKind,
    VisitOutcome,
    VisitRecord,
    Worker,
)
from visitsvc.register import areas, elders, workers
from visitsvc.register.elder_validation import ElderData
from visitsvc.register.workers import WorkerData

PASSWORD = "test-pass-1234"
SYSTEM = Caller.system()
_sequence = itertools.count(1)


@cache
def password_hash() -> str:
    """argon2 is slow on purpose; one hash serves every test account."""
    return hash_password(PASSWORD)


def id_number(birth: date = date(1940, 5, 17), *, male: bool = True, region: str = "330106") -> str:
    """A valid 居民身份证号, unique within a test run."""
    seq = (next(_sequence) % 499 + 1) * 2 - (1 if male else 0)  # odd for men, even for women
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + idnumber.check_character(first17)


def elder_data(grid_code: str, **overrides: Any) -> ElderData:
    birth = overrides.pop("birth_date", date(1940, 5, 17))
    sex = overrides.pop("sex", Sex.MALE)
    data = ElderData(
        name="王秀英",
        id_number=id_number(birth, male=sex is Sex.MALE),
        sex=sex,
        birth_date=birth,
        address="西湖区文新街道桂花苑3幢2单元301室",
        grid_code=grid_code,
        categories=frozenset({Category.LIVING_ALONE}),
        phone="13812345678",
        lon=120.1201,
        lat=30.2801,
    )
    return replace(data, **overrides)


@dataclass
class District:
    """A district with two streets; street A has two grids, street B one. Accounts at every level."""

    codes: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    elders: dict[str, int] = field(default_factory=dict)


def make_area(uow: UnitOfWork, code: str, name: str, level: AreaLevel, parent: str | None) -> None:
    areas.create_area(uow, caller=SYSTEM, code=code, name=name, level=level, parent_code=parent)


def make_worker(uow: UnitOfWork, data: WorkerData) -> int:
    worker_id = workers.create_worker(uow, caller=SYSTEM, data=data).id
    with uow:
        uow.session.execute(
            update(Worker).where(Worker.id == worker_id).values(password_hash=password_hash())
        )
        uow.commit()
    return worker_id


def make_district(uow: UnitOfWork) -> District:
    d = District()
    tree = [
        ("district", "330106", "西湖区", AreaLevel.DISTRICT, None),
        ("street_a", "330106001", "北山街道", AreaLevel.STREET, "330106"),
        ("street_b", "330106002", "西溪街道", AreaLevel.STREET, "330106"),
        ("community_a", "330106001001", "保俶社区", AreaLevel.COMMUNITY, "330106001"),
        ("community_b", "330106002001", "古荡社区", AreaLevel.COMMUNITY, "330106002"),
        ("grid_a1", "330106001001001", "保俶一网格", AreaLevel.GRID, "330106001001"),
        ("grid_a2", "330106001001002", "保俶二网格", AreaLevel.GRID, "330106001001"),
        ("grid_b1", "330106002001001", "古荡一网格", AreaLevel.GRID, "330106002001"),
    ]
    for key, code, name, level, parent in tree:
        make_area(uow, code, name, level, parent)
        d.codes[key] = code
    people = [
        WorkerData(account="admin", name="管理员", role=Role.ADMIN, area_code=d.codes["district"]),
        WorkerData(account="sup_a", name="北山督导", role=Role.SUPERVISOR, area_code=d.codes["street_a"]),
        WorkerData(account="sup_b", name="西溪督导", role=Role.SUPERVISOR, area_code=d.codes["street_b"]),
        WorkerData(
            account="w_a1", name="张网格", grid_codes=(d.codes["grid_a1"],), start_lon=120.12, start_lat=30.28
        ),
        WorkerData(account="w_a2", name="李网格", grid_codes=(d.codes["grid_a2"],)),
        WorkerData(account="w_b1", name="赵网格", grid_codes=(d.codes["grid_b1"],)),
    ]
    for data in people:
        d.accounts[data.account] = make_worker(uow, data)
    for key, grid in (("elder_a1", "grid_a1"), ("elder_a2", "grid_a2"), ("elder_b1", "grid_b1")):
        d.elders[key] = elders.create_elder(uow, caller=SYSTEM, data=elder_data(d.codes[grid])).id
    # Homes someone has stood at: a registered position starts as a guess, and these tests are about a
    # district whose visits have confirmed them (tests that need a guess set location_verified=False).
    with uow:
        uow.session.execute(
            update(Elder).where(Elder.id.in_(d.elders.values())).values(location_verified=True)
        )
        uow.commit()
    return d


def make_overloaded_grid(uow: UnitOfWork, d: District, people: int = 20, *, high_risk: bool = False) -> None:
    """Grid A1 of `make_district` with more people than its worker fits (40 minutes a day); its colleague A2
    (same community, one person to see) starting 8 km east, 40 minutes by e-bike: beyond the usual half hour's
    reach, within an hour's (issue 20).
    `high_risk`: people over 80 living alone (a home visit a week), not empty-nest 76-year-olds (monthly)."""
    category, birth = (
        (Category.LIVING_ALONE, date(1938, 2, 3)) if high_risk else (Category.EMPTY_NEST, date(1950, 1, 1))
    )
    for i in range(people):
        data = elder_data(
            d.codes["grid_a1"], categories=frozenset({category}), birth_date=birth,
            lon=120.1201 + 0.001 * (i % 5), lat=30.2801 + 0.001 * (i // 5),
        )  # fmt: skip
        d.elders[f"a1_{i}"] = elders.create_elder(uow, caller=SYSTEM, data=data).id
    a1, a2 = d.accounts["w_a1"], d.accounts["w_a2"]
    workers.update_worker(uow, caller=SYSTEM, worker_id=a1, changes={"visit_minutes_per_day": 40})
    workers.update_worker(uow, caller=SYSTEM, worker_id=a2, changes={"start_lon": 120.20, "start_lat": 30.28})
    # Street B, its worker and its person, 45 km west: beyond any reach (a colleague with no start is asked).
    workers.update_worker(
        uow, caller=SYSTEM, worker_id=d.accounts["w_b1"], changes={"start_lon": 119.65, "start_lat": 30.28}
    )
    elders.update_elder(
        uow, caller=SYSTEM, elder_id=d.elders["elder_b1"], changes={"lon": 119.651, "lat": 30.281}
    )


# Supervisor tests need plan versions and outcomes in exact shapes: written straight into their tables.


def make_plan(
    uow: UnitOfWork,
    month: str,
    rows: Sequence[tuple[int, int, date, VisitKind] | tuple[int, int, date, VisitKind, str]],
    *,
    obligation: str = "month",
) -> list[int]:
    """A new plan version of `month` holding exactly `rows` (elder, worker, day, kind[, obligation]); their
    ids."""
    with uow:
        number = (
            uow.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.month == month)) or 0
        ) + 1
        version = PlanVersion(
            month=month, number=number, area_path="/", trigger="plan", fingerprint=uuid.uuid4().hex,
            created_at=uow.clock.now(), solver_seconds=0.0, planned_count=len(rows), unplanned_count=0,
            substituted_count=0, summary={},
        )  # fmt: skip
        visits = [
            PlannedVisit(
                elder_id=elder_id,
                worker_id=worker_id,
                day=day,
                seq=seq,
                kind=kind,
                obligation=key[0] if key else obligation,
                arrival=time(9, 0) if kind is VisitKind.HOME else None,
                rule="monthly_home" if kind is VisitKind.HOME else "monthly_phone",
            )
            for seq, (elder_id, worker_id, day, kind, *key) in enumerate(rows, start=1)
        ]
        uow.plans.add(version, visits, [])
        uow.commit()
        return [v.id for v in visits]


def make_record(
    uow: UnitOfWork,
    *,
    elder_id: int,
    worker_id: int,
    day: date,
    outcome: VisitOutcome = VisitOutcome.VISITED,
    kind: VisitKind = VisitKind.HOME,
    planned_visit_id: int | None = None,
    state: RecordState = RecordState.COUNTED,
) -> int:
    start = datetime.combine(day, time(10, 0), SHANGHAI)
    with uow:
        record = VisitRecord(
            client_id=str(uuid.uuid4()), body_hash="0" * 64, elder_id=elder_id, worker_id=worker_id,
            planned_visit_id=planned_visit_id, kind=kind, outcome=outcome, started_at=start,
            ended_at=start + timedelta(minutes=20), month=f"{day:%Y-%m}", day=day, findings={},
            state=state, received_at=uow.clock.now(),
        )  # fmt: skip
        uow.session.add(record)
        uow.commit()
        return record.id


def make_flag(uow: UnitOfWork, visit_id: int, kind: FlagKind, **detail: float) -> int:
    with uow:
        record = uow.session.get_one(VisitRecord, visit_id)
        flag = VisitFlag(
            visit_id=visit_id, elder_id=record.elder_id, kind=kind, detail=detail, created_at=uow.clock.now()
        )
        uow.session.add(flag)
        uow.commit()
        return flag.id


def make_follow_up(
    uow: UnitOfWork, visit_id: int, kind: str = "concern:safety", *, urgent: bool = False
) -> int:
    with uow:
        record = uow.session.get_one(VisitRecord, visit_id)
        now = uow.clock.now()
        item = FollowUp(
            elder_id=record.elder_id, visit_id=visit_id, kind=kind, note="需要关注", urgent=urgent,
            created_at=now, updated_at=now,
        )  # fmt: skip
        uow.session.add(item)
        uow.commit()
        return item.id


def make_proposal(uow: UnitOfWork, visit_id: int, to_status: ElderStatus) -> int:
    with uow:
        record = uow.session.get_one(VisitRecord, visit_id)
        proposal = StatusProposal(
            elder_id=record.elder_id, visit_id=visit_id, to_status=to_status, proposed_date=record.day,
            created_at=uow.clock.now(),
        )  # fmt: skip
        uow.session.add(proposal)
        uow.commit()
        return proposal.id
