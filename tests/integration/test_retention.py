"""PIPL art. 19 retention: people who left the register more than three years ago are pseudonymised, photos
go a year after their month closed; statistics and the audit trail keep their shape.

Today is 2026-11-25 (tests.conftest.NOW); the register was made on 2023-09-01 and visited in October 2023.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import (
    SYSTEM,
    elder_data,
    make_district,
    make_flag,
    make_follow_up,
    make_plan,
    make_record,
)
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.errors import Conflict
from visitsvc.kernel.month import Month
from visitsvc.model import (
    AuditEntry,
    Elder,
    ElderStatus,
    FlagKind,
    FollowUp,
    StatusChange,
    VisitFlag,
    VisitKind,
    VisitPhoto,
    VisitRecord,
)
from visitsvc.oversight import coverage_tables
from visitsvc.register import elder_reads, elders, ledger_export
from visitsvc.register.retention import RetentionOutcome, run_retention
from visitsvc.register.retention_rules import PSEUDONYM, RetentionRules

TODAY = NOW.date()  # 2026-11-25
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10)


@dataclass
class Register:
    died_long_ago: int  # deceased on 2023-11-24: three years and a day
    withdrew_long_ago: int  # withdrawn on 2023-10-20
    left_exactly_three_years_ago: int  # moved out on 2023-11-25
    died_two_years_ago: int  # deceased on 2024-11-25
    active: int
    visits: dict[int, int]  # elder -> their October 2023 visit


def add_photo(uow: UnitOfWork, visit_id: int, data: bytes = JPEG) -> int:
    with uow:
        photo = VisitPhoto(
            visit_id=visit_id, content_type="image/jpeg", size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), data=data, created_at=uow.clock.now(),
        )  # fmt: skip
        uow.visits.add_all([photo])
        uow.commit()
        return photo.id


def leave(uow: UnitOfWork, clock: FixedClock, elder_id: int, status: ElderStatus, day: date) -> None:
    clock.set(at(day))
    elders.change_status(
        uow, caller=SYSTEM, elder_id=elder_id, status=status, effective=day, reason="张三告知"
    )


@pytest.fixture
def register(uow: UnitOfWork, clock: FixedClock) -> Register:
    clock.set(at(date(2023, 9, 1)))
    d = make_district(uow)
    withdrawn = elders.create_elder(
        uow, caller=SYSTEM, data=elder_data(d.codes["grid_b1"], name="李桂兰", notes="女儿李娟 13900001111")
    ).id
    active = elders.create_elder(uow, caller=SYSTEM, data=elder_data(d.codes["grid_a1"], name="赵大爷")).id
    people = [d.elders["elder_a1"], withdrawn, d.elders["elder_b1"], d.elders["elder_a2"], active]
    worker = d.accounts["w_a1"]
    clock.set(at(date(2023, 10, 1)))
    planned = make_plan(uow, "2023-10", [(p, worker, date(2023, 10, 9), VisitKind.HOME) for p in people])
    visits = {}
    for person, planned_id in zip(people, planned, strict=True):
        visit = make_record(
            uow, elder_id=person, worker_id=worker, day=date(2023, 10, 9), planned_visit_id=planned_id
        )
        with uow:
            record = uow.session.get_one(VisitRecord, visit)
            record.findings = {"health": {"status": "concern", "note": "王秀英咳嗽", "urgent": False}}
            record.follow_up = {"needed": True, "kind": "concern", "note": "联系女儿"}
            record.lon, record.lat = 120.1201, 30.2801
            uow.commit()
        make_follow_up(uow, visit)
        make_flag(uow, visit, FlagKind.LOCATION_PROPOSED, lon=120.1201, lat=30.2801, distance_m=12.0)
        add_photo(uow, visit)
        visits[person] = visit
    leave(uow, clock, withdrawn, ElderStatus.WITHDRAWN, date(2023, 10, 20))
    leave(uow, clock, d.elders["elder_a1"], ElderStatus.DECEASED, date(2023, 11, 24))
    leave(uow, clock, d.elders["elder_b1"], ElderStatus.MOVED_OUT, date(2023, 11, 25))
    leave(uow, clock, d.elders["elder_a2"], ElderStatus.DECEASED, date(2024, 11, 25))
    clock.set(NOW)
    return Register(
        d.elders["elder_a1"], withdrawn, d.elders["elder_b1"], d.elders["elder_a2"], active, visits
    )


def elder(uow: UnitOfWork, elder_id: int) -> Elder:
    with uow:
        return uow.session.get_one(Elder, elder_id)


def run(uow: UnitOfWork, *, dry_run: bool = False, rules: RetentionRules | None = None) -> RetentionOutcome:
    return run_retention(uow, caller=SYSTEM, today=TODAY, dry_run=dry_run, rules=rules or RetentionRules())


def photos(uow: UnitOfWork) -> set[int]:
    with uow:
        return set(uow.session.scalars(select(VisitPhoto.visit_id)))


def test_who_died_three_years_and_a_day_ago_is_pseudonymised_who_died_two_years_ago_is_not(
    uow: UnitOfWork, register: Register
) -> None:
    before = {i: elder(uow, i) for i in (register.left_exactly_three_years_ago, register.died_two_years_ago)}
    outcome = run(uow)
    assert (outcome.people, outcome.left_before) == (2, date(2023, 11, 25))
    gone = elder(uow, register.died_long_ago)
    assert (gone.name, gone.id_number, gone.address) == (
        f"已匿名-{gone.id}",
        f"R{gone.id:017d}",
        PSEUDONYM,
    )
    assert (gone.phone, gone.emergency_contact, gone.emergency_phone, gone.notes) == (None, None, None, None)
    assert (gone.lon, gone.lat, gone.pseudonymised_at) == (None, None, NOW)
    assert len(gone.id_number) == 18
    # Kept: what the statistics are made of.
    assert (gone.status, gone.status_since, gone.birth_date, gone.sex) == (
        ElderStatus.DECEASED,
        date(2023, 11, 24),
        date(1940, 5, 17),
        before[register.died_two_years_ago].sex,
    )
    withdrawn = elder(uow, register.withdrew_long_ago)
    assert (withdrawn.name, withdrawn.notes) == (f"已匿名-{withdrawn.id}", None)
    for kept_id, kept in before.items():
        now = elder(uow, kept_id)
        assert (now.name, now.id_number, now.phone, now.pseudonymised_at) == (
            kept.name,
            kept.id_number,
            kept.phone,
            None,
        )


def test_their_history_visits_and_audit_keep_their_shape_without_their_personal_data(
    uow: UnitOfWork, register: Register
) -> None:
    gone = register.died_long_ago
    visit = register.visits[gone]
    with uow:
        audit_before = uow.session.scalar(select(func.count(AuditEntry.id)))
        history_before = [(c.from_status, c.to_status, c.effective_date) for c in uow.elders.history(gone)]
    run(uow)
    with uow:
        history = uow.elders.history(gone)
        assert [(c.from_status, c.to_status, c.effective_date) for c in history] == history_before
        assert {c.reason for c in history} == {PSEUDONYM}
        record = uow.session.get_one(VisitRecord, visit)
        assert record.findings == {"health": {"status": "concern", "note": PSEUDONYM, "urgent": False}}
        assert record.follow_up == {"needed": True, "kind": "concern", "note": PSEUDONYM}
        assert (record.lon, record.lat, record.outcome.value, record.counts) == (None, None, "visited", True)
        assert [f.note for f in uow.session.scalars(select(FollowUp).where(FollowUp.elder_id == gone))] == [
            PSEUDONYM
        ]
        flag = uow.session.scalars(select(VisitFlag).where(VisitFlag.elder_id == gone)).one()
        assert flag.detail == {"lon": None, "lat": None, "distance_m": 12.0}
        entries = list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.record_type == "elder", AuditEntry.record_id == str(gone))
            )
        )
        by_action = {e.action: e.details for e in entries}
        created = by_action["elder.create"]["changes"]
        assert created["name"] == [None, PSEUDONYM]
        assert created["address"] == [None, PSEUDONYM]
        assert created["id_number"] == [None, PSEUDONYM]
        assert created["sex"] == [None, "male"]  # structured values stay
        assert by_action["elder.status"]["reason"] == PSEUDONYM
        assert by_action["elder.status"]["changes"] == {"status": ["active", "deceased"]}
        assert by_action["elder.pseudonymise"] == {"status": "deceased", "status_since": "2023-11-24"}
        # Nothing was deleted from the trail; added: two people pseudonymised, one batch of photos, the run.
        added = uow.session.scalar(select(func.count(AuditEntry.id))) - audit_before
        assert added == 2 + 1 + 1
        # Another person's entries are left alone.
        kept = register.died_two_years_ago
        status = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.record_id == str(kept), AuditEntry.action == "elder.status")
        ).one()
        assert status.details["reason"] == "张三告知"
        reasons = uow.session.scalars(select(StatusChange.reason).where(StatusChange.elder_id == kept))
        assert sorted(reasons) == sorted(["登记入册", "张三告知"])
    assert register.visits[gone] not in photos(uow)  # their photos go with their name


def test_the_statistics_of_a_past_month_are_unchanged(uow: UnitOfWork, register: Register) -> None:
    def october() -> coverage_tables.CoverageRead:
        return coverage_tables.coverage_table(uow, caller=SYSTEM, month=Month(2023, 10), area_code=None)

    before = october()
    assert (before.total.coverable, before.total.covered > 0) == (5, True)  # something to lose
    run(uow)
    after = october()
    assert after == before
    assert after.by_category == before.by_category


def test_a_dry_run_changes_nothing_and_is_audited(uow: UnitOfWork, register: Register) -> None:
    before = elder(uow, register.died_long_ago)
    outcome = run(uow, dry_run=True)
    assert (outcome.dry_run, outcome.people, outcome.photos, outcome.photo_bytes) == (
        True,
        2,
        5,
        5 * len(JPEG),
    )
    after = elder(uow, register.died_long_ago)
    assert (after.name, after.id_number, after.version, after.pseudonymised_at) == (
        before.name,
        before.id_number,
        before.version,
        None,
    )
    assert photos(uow) == set(register.visits.values())
    with uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action.like("retention.%"))).one()
    assert (entry.action, entry.actor_id, entry.at) == ("retention.dry_run", None, NOW)
    assert entry.details == {
        "dry_run": True,
        "people": 2,
        "photos": 5,
        "photo_bytes": 5 * len(JPEG),
        "left_before": "2023-11-25",
        "photos_kept_from": "2025-11",
        "trigger": "cli",
        "years": 3,
        "photo_days": 365,
    }
    assert "王秀英" not in str(entry.details)


def test_the_dry_run_counts_what_the_run_then_does(uow: UnitOfWork, register: Register) -> None:
    planned = run(uow, dry_run=True)
    done = run(uow)
    assert (done.people, done.photos, done.photo_bytes) == (
        planned.people,
        planned.photos,
        planned.photo_bytes,
    )
    with uow:
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.run")).one()
    assert (entry.details["people"], entry.details["photos"]) == (2, 5)


def test_a_second_run_is_a_no_op(uow: UnitOfWork, register: Register) -> None:
    run(uow)
    first = elder(uow, register.died_long_ago)
    again = run(uow)
    assert (again.people, again.photos, again.photo_bytes) == (0, 0, 0)
    second = elder(uow, register.died_long_ago)
    assert (second.version, second.pseudonymised_at, second.name) == (first.version, NOW, first.name)


def test_photos_older_than_the_period_go_newer_stay_for_everyone(
    uow: UnitOfWork, clock: FixedClock, register: Register
) -> None:
    worker = uow_worker(uow, register)
    old = make_record(uow, elder_id=register.active, worker_id=worker, day=date(2025, 10, 31))
    new = make_record(uow, elder_id=register.active, worker_id=worker, day=date(2025, 11, 1))
    add_photo(uow, old)
    add_photo(uow, new)
    outcome = run(uow)
    # October 2025 closed 390 days ago, November 2025 360 days ago.
    assert outcome.photos_kept_from == "2025-11"
    assert photos(uow) == {new}
    assert outcome.photos == 6
    with uow:
        assert uow.session.scalar(select(func.count()).where(VisitPhoto.visit_id == old)) == 0


def uow_worker(uow: UnitOfWork, register: Register) -> int:
    with uow:
        return uow.session.get_one(VisitRecord, register.visits[register.active]).worker_id


def test_an_interrupted_run_keeps_its_batches_and_the_next_run_goes_on(
    uow: UnitOfWork, register: Register
) -> None:
    class Stop(Exception):
        pass

    calls: list[tuple[int, int]] = []

    def stop_after_first_batch(done: int, total: int) -> None:
        calls.append((done, total))
        if done:
            raise Stop

    with pytest.raises(Stop):
        run_retention(
            uow, caller=SYSTEM, today=TODAY, dry_run=False, rules=RetentionRules(batch=1),
            progress=stop_after_first_batch,
        )  # fmt: skip
    assert calls == [(0, 7), (2, 7)]  # the first person and their photo
    names = [elder(uow, i).name for i in (register.died_long_ago, register.withdrew_long_ago)]
    assert sum(n.startswith(PSEUDONYM) for n in names) == 1
    rest = run(uow)
    assert (rest.people, rest.photos) == (1, 4)
    assert all(
        elder(uow, i).name.startswith(PSEUDONYM) for i in (register.died_long_ago, register.withdrew_long_ago)
    )


def test_a_pseudonymised_person_is_never_edited_again(uow: UnitOfWork, register: Register) -> None:
    run(uow)
    with pytest.raises(Conflict) as edit:
        elders.update_elder(
            uow, caller=SYSTEM, elder_id=register.withdrew_long_ago, changes={"name": "李桂兰"}
        )
    assert edit.value.code == "pseudonymised"
    with pytest.raises(Conflict) as back:
        elders.change_status(
            uow, caller=SYSTEM, elder_id=register.withdrew_long_ago, status=ElderStatus.ACTIVE,
            effective=TODAY, reason="重新登记",
        )  # fmt: skip
    assert back.value.code == "pseudonymised"


def test_the_register_lists_them_as_pseudonymised(uow: UnitOfWork, register: Register) -> None:
    run(uow)
    read = elder_reads.get_elder(uow, caller=SYSTEM, elder_id=register.died_long_ago, unmask=True)
    assert (read.name, read.phone, read.address) == (f"已匿名-{register.died_long_ago}", None, PSEUDONYM)
    assert (read.birth_date, read.age) == (date(1940, 5, 17), 86)  # kept: ages are statistics


def test_the_register_export_leaves_them_out_so_it_stays_re_importable(
    uow: UnitOfWork, register: Register
) -> None:
    run(uow)
    export = ledger_export.export_elders(uow, caller=SYSTEM, area_code=None, fmt="csv", unmask=True)
    text = export.content.decode("utf-8-sig")
    assert export.rows == 3
    assert PSEUDONYM not in text
    assert "R0000" not in text
