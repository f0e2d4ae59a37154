"""One repository per aggregate. Every read that a caller can reach takes a Scope; none of them commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, CursorResult, Select, delete, func, or_, select, text, true, update
from sqlalchemy.orm import InstrumentedAttribute, Session, defer

from visitsvc.access.login_throttle import Failures, Windows
from visitsvc.access.scoping import ROOT_PATH, Scope
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.errors import NotFound
from visitsvc.model import (
    AbilityLevel,
    Absence,
    Area,
    AreaLevel,
    AtRiskMark,
    AttemptOutcome,
    AuditEntry,
    AuthToken,
    CalendarDay,
    Category,
    Elder,
    ElderCategory,
    ElderStatus,
    FlagState,
    FollowUp,
    FollowUpStatus,
    JobRun,
    LoginAttempt,
    PlannedVisit,
    PlanningLock,
    PlanVersion,
    ProposalState,
    RecordState,
    Role,
    StatusChange,
    StatusProposal,
    TokenKind,
    UnplannedVisit,
    VisitFlag,
    VisitPhoto,
    VisitRecord,
    Worker,
)
from visitsvc.model.elder import id_number_index

MAX_ID = 2**31 - 1  # INTEGER primary keys
_CHUNK = 500  # bound IN lists: SQLite allows 32k parameters, but plans stay better with smaller batches


T = TypeVar("T")


def _chunks(values: Sequence[T], size: int = _CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class AreaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, scope: Scope, area_id: int) -> Area:
        area = self.session.scalar(select(Area).where(Area.id == area_id, scope.area_clause()))
        if area is None:
            raise NotFound("区划不存在")
        return area

    def get_by_code(self, scope: Scope, code: str) -> Area:
        area = self.session.scalar(select(Area).where(Area.code == code, scope.area_clause()))
        if area is None:
            raise NotFound("区划不存在")
        return area

    def scope_within(self, scope: Scope, area_code: str | None) -> Scope:
        """`scope` narrowed to the subtree of the area `area_code` names; all of `scope` without one (None or
        empty). An area outside `scope` is not found (404), exactly like a missing one."""
        if not area_code:
            return scope
        return scope.narrowed_to(self.get_by_code(scope, area_code).path)

    def find_by_code(self, code: str) -> Area | None:
        """Unscoped: to tell 'exists elsewhere' (409) from 'free' when creating."""
        return self.session.scalar(select(Area).where(Area.code == code))

    def by_codes(self, codes: Iterable[str]) -> dict[str, Area]:
        found: dict[str, Area] = {}
        for chunk in _chunks(sorted(set(codes))):
            found.update({a.code: a for a in self.session.scalars(select(Area).where(Area.code.in_(chunk)))})
        return found

    def by_ids(self, ids: Iterable[int]) -> list[Area]:
        wanted = sorted(set(ids))
        return list(self.session.scalars(select(Area).where(Area.id.in_(wanted)))) if wanted else []

    def page(
        self, scope: Scope, *, level: AreaLevel | None = None, parent_id: int | None = None
    ) -> list[Area]:
        query = select(Area).where(scope.area_clause())
        if level is not None:
            query = query.where(Area.level == level)
        if parent_id is not None:
            query = query.where(Area.parent_id == parent_id)
        return list(self.session.scalars(query.order_by(Area.path, Area.code)))

    def add(self, area: Area, parent: Area | None) -> Area:
        self.session.add(area)
        self.session.flush()  # the path embeds the new id
        area.path = f"{parent.path if parent else ROOT_PATH}{area.id}/"
        return area


@dataclass(frozen=True, slots=True)
class ElderFilter:
    area_path: str | None = None
    category: Category | None = None
    status: ElderStatus | None = None
    ability_level: AbilityLevel | None = None
    name_contains: str | None = None
    id_number: str | None = None


class ElderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, scope: Scope, elder_id: int) -> Elder:
        elder = self.session.scalar(select(Elder).where(Elder.id == elder_id, scope.elder_clause()))
        if elder is None:
            raise NotFound("老年人不存在")
        return elder

    def find_by_id_number(self, id_number: str) -> Elder | None:
        """Unscoped on purpose: one person is registered once, wherever it was."""
        return self.session.scalar(select(Elder).where(Elder.id_number_index == id_number_index(id_number)))

    def by_id_numbers(self, numbers: Iterable[str]) -> dict[str, Elder]:
        """By the blind index: the numbers themselves are stored encrypted (docs/adr/0013)."""
        found: dict[str, Elder] = {}
        for chunk in _chunks(sorted({id_number_index(n) for n in numbers})):
            rows = self.session.scalars(select(Elder).where(Elder.id_number_index.in_(chunk)))
            found.update({e.id_number: e for e in rows})
        return found

    def _filtered(self, scope: Scope, flt: ElderFilter) -> Select[Elder]:
        query = select(Elder).where(scope.elder_clause())
        if flt.area_path is not None:
            query = query.where(
                Elder.grid_id.in_(select(Area.id).where(Area.path.startswith(flt.area_path, autoescape=True)))
            )
        if flt.category is not None:
            query = query.where(
                Elder.id.in_(select(ElderCategory.elder_id).where(ElderCategory.category == flt.category))
            )
        if flt.status is not None:
            query = query.where(Elder.status == flt.status)
        if flt.ability_level is not None:
            query = query.where(Elder.ability_level == flt.ability_level)
        if flt.name_contains:
            query = query.where(Elder.name.contains(flt.name_contains, autoescape=True))
        if flt.id_number is not None:
            query = query.where(Elder.id_number_index == id_number_index(flt.id_number))
        return query

    def page(self, scope: Scope, flt: ElderFilter, *, limit: int, after_id: int | None = None) -> list[Elder]:
        """Keyset paging by id: stable under inserts, and cheap at any depth."""
        query = self._filtered(scope, flt)
        if after_id is not None:
            query = query.where(Elder.id > after_id)
        return list(self.session.scalars(query.order_by(Elder.id).limit(limit)))

    def iterate(self, scope: Scope, flt: ElderFilter, *, batch: int = 1000) -> Iterable[Elder]:
        after: int | None = None
        while True:
            page = self.page(scope, flt, limit=batch, after_id=after)
            yield from page
            if len(page) < batch:
                return
            after = page[-1].id
            self.session.expunge_all()  # keep memory flat over a county-sized export

    def by_ids(self, ids: Iterable[int]) -> dict[int, Elder]:
        """Unscoped: the caller already proved the right to each one (their own planned visits)."""
        found: dict[int, Elder] = {}
        for chunk in _chunks(sorted(set(ids))):
            found.update({e.id: e for e in self.session.scalars(select(Elder).where(Elder.id.in_(chunk)))})
        return found

    def visible_ids(self, scope: Scope, ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for chunk in _chunks(sorted(set(ids))):
            found.update(
                self.session.scalars(select(Elder.id).where(Elder.id.in_(chunk), scope.elder_clause()))
            )
        return found

    def add(self, elder: Elder) -> Elder:
        self.session.add(elder)
        return elder

    def add_status_change(self, change: StatusChange) -> None:
        self.session.add(change)

    def history(self, elder_id: int) -> list[StatusChange]:
        query = select(StatusChange).where(StatusChange.elder_id == elder_id).order_by(StatusChange.id)
        return list(self.session.scalars(query))


class WorkerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, scope: Scope, worker_id: int) -> Worker:
        worker = self.session.scalar(select(Worker).where(Worker.id == worker_id, scope.worker_clause()))
        if worker is None:
            raise NotFound("人员不存在")
        return worker

    def lock(self, worker_id: int) -> None:
        """Hold the worker's row until the transaction ends (PostgreSQL; SQLite runs one writer at a time
        anyway): one of their counted lookups at a time."""
        self.session.execute(select(Worker.id).where(Worker.id == worker_id).with_for_update())

    def find_by_account_id(self, worker_id: int) -> Worker | None:
        """Unscoped: the account behind a token."""
        return self.session.get(Worker, worker_id)

    def find_by_account(self, account: str) -> Worker | None:
        """Unscoped: login, and telling a taken account name from a free one."""
        return self.session.scalar(select(Worker).where(Worker.account == account))

    def by_accounts(self, accounts: Iterable[str]) -> dict[str, Worker]:
        found: dict[str, Worker] = {}
        for chunk in _chunks(sorted(set(accounts))):
            found.update(
                {w.account: w for w in self.session.scalars(select(Worker).where(Worker.account.in_(chunk)))}
            )
        return found

    def page(
        self,
        scope: Scope,
        *,
        role: Role | None = None,
        active: bool | None = None,
        limit: int = 200,
        after_id: int | None = None,
    ) -> list[Worker]:
        query = select(Worker).where(scope.worker_clause())
        if role is not None:
            query = query.where(Worker.role == role)
        if active is not None:
            query = query.where(Worker.active == active)
        if after_id is not None:
            query = query.where(Worker.id > after_id)
        return list(self.session.scalars(query.order_by(Worker.id).limit(limit)))

    def add(self, worker: Worker) -> Worker:
        self.session.add(worker)
        return worker


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    record_type: str | None = None
    record_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def record_ids_since(self, actor_id: int, action: str, since: datetime) -> set[str]:
        query = select(AuditEntry.record_id).where(
            AuditEntry.actor_id == actor_id, AuditEntry.action == action, AuditEntry.at >= since
        )
        return {r for r in self.session.scalars(query) if r is not None}

    def count_since(
        self, actor_id: int, action: str, since: datetime, *, misses_only: bool = False
    ) -> tuple[int, datetime | None]:
        """How many entries of one action one actor has had since a moment, and the oldest one's time;
        `misses_only`: only those naming no record."""
        query = select(func.count(AuditEntry.id), func.min(AuditEntry.at)).where(
            AuditEntry.actor_id == actor_id, AuditEntry.action == action, AuditEntry.at >= since
        )
        if misses_only:
            query = query.where(AuditEntry.record_id.is_(None))
        count, oldest = self.session.execute(query).one()
        return count, oldest

    def page(self, scope: Scope, flt: AuditFilter, *, limit: int, before_id: int | None) -> list[AuditEntry]:
        query = select(AuditEntry).where(scope.audit_clause())
        if flt.actor_id is not None:
            query = query.where(AuditEntry.actor_id == flt.actor_id)
        if flt.action is not None:
            query = query.where(AuditEntry.action == flt.action)
        if flt.record_type is not None:
            query = query.where(AuditEntry.record_type == flt.record_type)
        if flt.record_id is not None:
            query = query.where(AuditEntry.record_id == flt.record_id)
        if flt.since is not None:
            query = query.where(AuditEntry.at >= flt.since)
        if flt.until is not None:
            query = query.where(AuditEntry.at < flt.until)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        return list(self.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: AuthToken) -> None:
        self.session.add(token)

    def by_hash(self, token_hash: str) -> AuthToken | None:
        return self.session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash))

    def revoke_worker(self, worker_id: int, at: datetime) -> None:
        self.session.execute(
            update(AuthToken)
            .where(AuthToken.worker_id == worker_id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_family(self, family: str, at: datetime) -> None:
        self.session.execute(
            update(AuthToken)
            .where(AuthToken.family == family, AuthToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def rotate(self, token_hash: str, at: datetime) -> bool:
        """Use up a live refresh token: a conditional UPDATE, so of two concurrent uses exactly one wins."""
        result = self.session.execute(
            update(AuthToken)
            .where(
                AuthToken.token_hash == token_hash,
                AuthToken.kind == TokenKind.REFRESH,
                AuthToken.revoked_at.is_(None),
                AuthToken.expires_at > at,
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    def revoke_others(self, worker_id: int, keep_family: str, at: datetime) -> None:
        self.session.execute(
            update(AuthToken)
            .where(
                AuthToken.worker_id == worker_id,
                AuthToken.family != keep_family,
                AuthToken.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )

    def add_attempt(self, account: str, address: str, at: datetime) -> int:
        """Record a password check about to run. Recordings take turns (SQLite has one writer; PostgreSQL
        is told to lock the table against other writers until commit, a few milliseconds), so the rows
        before this one's id are exactly those committed before it."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("LOCK TABLE login_attempts IN EXCLUSIVE MODE"))
        attempt = LoginAttempt(account=account, address=address, at=at, outcome=AttemptOutcome.PENDING)
        self.session.add(attempt)
        self.session.flush()
        return attempt.id

    def settle_attempt(self, attempt_id: int, outcome: AttemptOutcome) -> None:
        self.session.execute(
            update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(outcome=outcome)
        )

    def failures(self, attempt_id: int, account: str, address: str, windows: Windows) -> Failures:
        """Failure times recorded before this attempt (checks still running count as failures): for its
        (account, address) pair since the pair's last success, for the account, for the address."""
        counted = LoginAttempt.outcome.in_((AttemptOutcome.PENDING, AttemptOutcome.FAILED))
        others = LoginAttempt.id < attempt_id
        last_success = (
            select(func.coalesce(func.max(LoginAttempt.id), 0))
            .where(
                LoginAttempt.account == account,
                LoginAttempt.address == address,
                LoginAttempt.outcome == AttemptOutcome.SUCCEEDED,
            )
            .scalar_subquery()
        )

        def times(*where: ColumnElement[bool]) -> list[datetime]:
            return list(self.session.scalars(select(LoginAttempt.at).where(counted, others, *where)))

        return Failures(
            pair=times(
                LoginAttempt.account == account,
                LoginAttempt.address == address,
                LoginAttempt.at > windows.pair,
                LoginAttempt.id > last_success,
            ),
            account=times(LoginAttempt.account == account, LoginAttempt.at > windows.account),
            address=times(LoginAttempt.address == address, LoginAttempt.at > windows.address),
        )

    def forget_attempts(self, before: datetime) -> None:
        self.session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))

    def count_demo_passwords(self) -> int:
        query = select(func.count(Worker.id)).where(Worker.password_is_demo.is_(True))
        return int(self.session.scalar(query) or 0)

    def count_live(self, worker_id: int, now: datetime) -> int:
        query = select(func.count(AuthToken.id)).where(
            AuthToken.worker_id == worker_id, AuthToken.revoked_at.is_(None), AuthToken.expires_at > now
        )
        return int(self.session.scalar(query) or 0)


class PlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, version_id: int) -> PlanVersion:
        version = self.session.get(PlanVersion, version_id)
        if version is None:
            raise NotFound("计划版本不存在")
        return version

    def latest(self, month: str) -> PlanVersion | None:
        query = (
            select(PlanVersion).where(PlanVersion.month == month).order_by(PlanVersion.number.desc()).limit(1)
        )
        return self.session.scalar(query)

    def first(self, month: str) -> PlanVersion | None:
        return self.session.scalar(
            select(PlanVersion).where(PlanVersion.month == month).order_by(PlanVersion.number).limit(1)
        )

    def versions(self, month: str) -> list[PlanVersion]:
        return list(
            self.session.scalars(
                select(PlanVersion).where(PlanVersion.month == month).order_by(PlanVersion.number)
            )
        )

    def counts_within(self, scope: Scope, version_ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
        """Each version's (planned, unplanned, substituted), counting only the visits of people in scope."""
        people = select(Elder.id).where(scope.elder_clause())
        planned = (
            select(
                PlannedVisit.version_id,
                func.count(),
                func.count().filter(PlannedVisit.substituted.is_(True)),
            )
            .where(PlannedVisit.version_id.in_(version_ids), PlannedVisit.elder_id.in_(people))
            .group_by(PlannedVisit.version_id)
        )
        unplanned = (
            select(UnplannedVisit.version_id, func.count())
            .where(UnplannedVisit.version_id.in_(version_ids), UnplannedVisit.elder_id.in_(people))
            .group_by(UnplannedVisit.version_id)
        )
        counts = dict.fromkeys(version_ids, (0, 0, 0))
        for version_id, total, substituted in self.session.execute(planned):
            counts[version_id] = (total, 0, substituted)
        for version_id, total in self.session.execute(unplanned):
            counts[version_id] = (counts[version_id][0], total, counts[version_id][2])
        return counts

    def visits(self, version_id: int) -> list[PlannedVisit]:
        query = select(PlannedVisit).where(PlannedVisit.version_id == version_id)
        return list(
            self.session.scalars(query.order_by(PlannedVisit.worker_id, PlannedVisit.day, PlannedVisit.seq))
        )

    def assigned_elsewhere(self, worker_id: int, month: str) -> frozenset[int]:
        """People of other grids whom the month's current plan gives to this worker."""
        latest = self.latest(month)
        if latest is None:
            return frozenset()
        query = select(PlannedVisit.elder_id).where(
            PlannedVisit.version_id == latest.id,
            PlannedVisit.worker_id == worker_id,
            PlannedVisit.moved.is_(True),
        )
        return frozenset(self.session.scalars(query))

    def visits_outside(self, version_id: int, area_path: str) -> list[PlannedVisit]:
        """A version's visits of people outside a subtree: what an area re-plan carries over unchanged."""
        inside = select(Area.id).where(Area.path.startswith(area_path, autoescape=True))
        query = select(PlannedVisit).where(
            PlannedVisit.version_id == version_id,
            PlannedVisit.elder_id.in_(select(Elder.id).where(Elder.grid_id.not_in(inside))),
        )
        return list(self.session.scalars(query))

    def timelines(self, elder_ids: Sequence[int]) -> dict[int, list[tuple[date, ElderStatus]]]:
        return status_timelines(self.session, elder_ids)

    def unplanned(self, version_id: int) -> list[UnplannedVisit]:
        return list(
            self.session.scalars(select(UnplannedVisit).where(UnplannedVisit.version_id == version_id))
        )

    def add(self, version: PlanVersion, visits: list[PlannedVisit], unplanned: list[UnplannedVisit]) -> None:
        self.session.add(version)
        self.session.flush()
        for visit in visits:
            visit.version_id = version.id
        for missing in unplanned:
            missing.version_id = version.id
        self.session.add_all(visits)
        self.session.add_all(unplanned)

    def calendar(self) -> dict[date, bool]:
        return {row.day: row.is_workday for row in self.session.scalars(select(CalendarDay))}

    def take_lock(self, name: str, holder: str, at: datetime) -> None:
        """Raises IntegrityError (on flush) when someone holds it."""
        self.session.add(PlanningLock(name=name, holder=holder, acquired_at=at))
        self.session.flush()

    def lock(self, name: str) -> PlanningLock | None:
        return self.session.get(PlanningLock, name)

    def release(self, name: str, holder: str) -> None:
        self.session.execute(
            delete(PlanningLock).where(PlanningLock.name == name, PlanningLock.holder == holder)
        )


class MonthRepository:
    """What coverage reads of a month, for a set of people: plan entries across versions, and outcomes."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def slots(self, version_id: int, elder_ids: Sequence[int]) -> list[PlannedVisit]:
        rows: list[PlannedVisit] = []
        for chunk in _chunks(sorted(elder_ids)):
            query = select(PlannedVisit).where(
                PlannedVisit.version_id == version_id, PlannedVisit.elder_id.in_(chunk)
            )
            rows.extend(self.session.scalars(query.order_by(PlannedVisit.day, PlannedVisit.seq)))
        return rows

    def unplanned(self, version_id: int, elder_ids: Sequence[int]) -> list[UnplannedVisit]:
        rows: list[UnplannedVisit] = []
        for chunk in _chunks(sorted(elder_ids)):
            query = select(UnplannedVisit).where(
                UnplannedVisit.version_id == version_id, UnplannedVisit.elder_id.in_(chunk)
            )
            rows.extend(self.session.scalars(query))
        return rows

    def first_planned(self, month: str, elder_ids: Sequence[int]) -> dict[tuple[int, str], date]:
        """(elder, obligation) -> the first day the plan in force on that day had it on. The version in force
        on a day is the last one made by that day's end: a day an earlier version had a visit on, before a
        re-plan moved it, never passed with the visit planned."""
        versions = self.session.execute(
            select(PlanVersion.id, PlanVersion.created_at)
            .where(PlanVersion.month == month)
            .order_by(PlanVersion.created_at, PlanVersion.id)
        ).all()
        made = [(vid, created.astimezone(SHANGHAI).date()) for vid, created in versions]
        if not made:
            return {}
        spans = []  # (version, first day it is in force at a day's end, the day its successor is made)
        for (vid, on), until in zip(made, [*(on for _, on in made[1:]), None], strict=True):
            if until is None or until > on:
                spans.append((vid, on, until))
        in_force = or_(
            *(
                (PlannedVisit.version_id == vid) & (PlannedVisit.day >= on)
                & (PlannedVisit.day < until if until is not None else true())
                for vid, on, until in spans
            )
        )  # fmt: skip
        result: dict[tuple[int, str], date] = {}
        for chunk in _chunks(sorted(elder_ids)):
            query = (
                select(PlannedVisit.elder_id, PlannedVisit.obligation, func.min(PlannedVisit.day))
                .where(PlannedVisit.elder_id.in_(chunk), in_force)
                .group_by(PlannedVisit.elder_id, PlannedVisit.obligation)
            )
            for elder_id, obligation, day in self.session.execute(query):
                result[(elder_id, obligation)] = day
        return result

    def obligations_of(self, planned_ids: Iterable[int]) -> dict[int, str]:
        """Planned visit id -> the obligation it was planned for (in whichever version)."""
        result: dict[int, str] = {}
        for chunk in _chunks(sorted(set(planned_ids))):
            query = select(PlannedVisit.id, PlannedVisit.obligation).where(PlannedVisit.id.in_(chunk))
            result.update(dict(self.session.execute(query).all()))
        return result

    def records(self, month: str, elder_ids: Sequence[int]) -> list[VisitRecord]:
        """Every outcome recorded in the month (counted or not), oldest first."""
        rows: list[VisitRecord] = []
        for chunk in _chunks(sorted(elder_ids)):
            query = select(VisitRecord).where(VisitRecord.month == month, VisitRecord.elder_id.in_(chunk))
            rows.extend(self.session.scalars(query.order_by(VisitRecord.started_at, VisitRecord.id)))
        return rows

    def replace_marks(self, month: str, elder_ids: Sequence[int], marks: Iterable[AtRiskMark]) -> None:
        """These people's at-risk marks of the month, instead of the ones of an earlier evaluation."""
        for chunk in _chunks(sorted(elder_ids)):
            self.session.execute(
                delete(AtRiskMark).where(AtRiskMark.month == month, AtRiskMark.elder_id.in_(chunk))
            )
        self.session.add_all(marks)

    def marks(self, month: str, elder_ids: Sequence[int]) -> list[AtRiskMark]:
        rows: list[AtRiskMark] = []
        for chunk in _chunks(sorted(elder_ids)):
            query = select(AtRiskMark).where(AtRiskMark.month == month, AtRiskMark.elder_id.in_(chunk))
            rows.extend(self.session.scalars(query.order_by(AtRiskMark.elder_id)))
        return rows


def status_timelines(session: Session, elder_ids: Sequence[int]) -> dict[int, list[tuple[date, ElderStatus]]]:
    """Every elder's status changes, oldest first: what the visit policy reads."""
    timelines: dict[int, list[tuple[date, ElderStatus]]] = {i: [] for i in elder_ids}
    for chunk in _chunks(sorted(elder_ids)):
        query = (
            select(StatusChange.elder_id, StatusChange.effective_date, StatusChange.to_status)
            .where(StatusChange.elder_id.in_(chunk))
            .order_by(StatusChange.elder_id, StatusChange.effective_date, StatusChange.id)
        )
        for elder_id, effective, status in session.execute(query):
            timelines[elder_id].append((effective, status))
    return timelines


class AbsenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_worker(self, worker_id: int) -> list[Absence]:
        query = select(Absence).where(Absence.worker_id == worker_id).order_by(Absence.first_day)
        return list(self.session.scalars(query))

    def overlapping(self, worker_ids: Sequence[int], first: date, last: date) -> list[Absence]:
        query = select(Absence).where(
            Absence.worker_id.in_(worker_ids), Absence.first_day <= last, Absence.last_day >= first
        )
        return list(self.session.scalars(query))

    def get(self, worker_id: int, absence_id: int) -> Absence:
        absence = self.session.get(Absence, absence_id)
        if absence is None or absence.worker_id != worker_id:
            raise NotFound("请假记录不存在")
        return absence

    def add(self, absence: Absence) -> None:
        self.session.add(absence)
        self.session.flush()

    def remove(self, absence: Absence) -> None:
        self.session.delete(absence)


class JobRunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, run: JobRun) -> None:
        """Raises IntegrityError (on flush) when the job already ran, or runs, for that period."""
        self.session.add(run)
        self.session.flush()

    def find(self, job: str, period: str) -> JobRun | None:
        return self.session.scalar(select(JobRun).where(JobRun.job == job, JobRun.period == period))

    def get(self, run_id: int) -> JobRun | None:
        return self.session.get(JobRun, run_id)

    def finish(self, run_id: int, *, at: datetime, outcome: str, summary: dict[str, Any]) -> None:
        """An UPDATE as the transaction's first statement: on SQLite a transaction that read first cannot
        write after another connection's commit (it fails at once, busy_timeout or not)."""
        self.session.execute(
            update(JobRun).where(JobRun.id == run_id).values(finished_at=at, outcome=outcome, summary=summary)
        )

    def page(self, *, limit: int, before_id: int | None = None) -> list[JobRun]:
        query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(JobRun.id < before_id)
        return list(self.session.scalars(query))


class VisitRepository:
    """Recorded outcomes and what they opened; the worker's day as the phone sees it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, visit_id: int) -> VisitRecord | None:
        """Unscoped: the service checks that the record is the caller's."""
        if not 0 < visit_id <= MAX_ID:  # from a URL: PostgreSQL refuses to compare an INTEGER with more
            return None
        return self.session.get(VisitRecord, visit_id)

    def by_client_ids(self, client_ids: Iterable[str]) -> dict[str, VisitRecord]:
        found: dict[str, VisitRecord] = {}
        for chunk in _chunks(sorted(set(client_ids))):
            query = select(VisitRecord).where(VisitRecord.client_id.in_(chunk))
            found.update({r.client_id: r for r in self.session.scalars(query)})
        return found

    def add(self, record: VisitRecord) -> None:
        """Raises IntegrityError (on this flush) when the client_id is already stored."""
        self.session.add(record)
        self.session.flush()

    def add_all(self, rows: Iterable[FollowUp | VisitFlag | StatusProposal | VisitPhoto]) -> None:
        self.session.add_all(list(rows))

    def planned(self, ids: Iterable[int]) -> dict[int, tuple[PlannedVisit, str]]:
        """Planned visits by id, each with its version's month."""
        found: dict[int, tuple[PlannedVisit, str]] = {}
        for chunk in _chunks(sorted(set(ids))):
            query = (
                select(PlannedVisit, PlanVersion.month)
                .join(PlanVersion, PlanVersion.id == PlannedVisit.version_id)
                .where(PlannedVisit.id.in_(chunk))
            )
            found.update({pv.id: (pv, month) for pv, month in self.session.execute(query)})
        return found

    def day_of(self, version_id: int, worker_id: int, day: date) -> list[PlannedVisit]:
        query = select(PlannedVisit).where(
            PlannedVisit.version_id == version_id,
            PlannedVisit.worker_id == worker_id,
            PlannedVisit.day == day,
        )
        return list(self.session.scalars(query.order_by(PlannedVisit.seq, PlannedVisit.id)))

    def of_elders_since(self, elder_ids: Sequence[int], first_day: date) -> list[VisitRecord]:
        """Records not voided, from `first_day` on, oldest first."""
        rows: list[VisitRecord] = []
        for chunk in _chunks(sorted(elder_ids)):
            query = select(VisitRecord).where(
                VisitRecord.elder_id.in_(chunk), VisitRecord.day >= first_day, VisitRecord.voided_at.is_(None)
            )
            rows.extend(self.session.scalars(query.order_by(VisitRecord.started_at, VisitRecord.id)))
        return rows

    def last_before(self, elder_ids: Sequence[int], day: date) -> dict[int, VisitRecord]:
        """Each person's latest record (not voided) before `day`."""
        found: dict[int, VisitRecord] = {}
        for chunk in _chunks(sorted(elder_ids)):
            latest = (
                select(VisitRecord.elder_id, func.max(VisitRecord.started_at).label("at"))
                .where(
                    VisitRecord.elder_id.in_(chunk), VisitRecord.day < day, VisitRecord.voided_at.is_(None)
                )
                .group_by(VisitRecord.elder_id)
                .subquery()
            )
            query = (
                select(VisitRecord)
                .join(
                    latest,
                    (latest.c.elder_id == VisitRecord.elder_id) & (latest.c.at == VisitRecord.started_at),
                )
                .where(VisitRecord.voided_at.is_(None))
                .order_by(VisitRecord.id)
            )
            found.update({r.elder_id: r for r in self.session.scalars(query)})
        return found

    def open_follow_ups(self, elder_ids: Sequence[int]) -> list[FollowUp]:
        rows: list[FollowUp] = []
        for chunk in _chunks(sorted(elder_ids)):
            query = select(FollowUp).where(
                FollowUp.elder_id.in_(chunk), FollowUp.status != FollowUpStatus.CLOSED
            )
            rows.extend(self.session.scalars(query.order_by(FollowUp.urgent.desc(), FollowUp.id)))
        return rows

    def follow_ups_of(self, visit_id: int) -> list[FollowUp]:
        query = select(FollowUp).where(FollowUp.visit_id == visit_id).order_by(FollowUp.id)
        return list(self.session.scalars(query))

    def flags_of(self, visit_id: int) -> list[VisitFlag]:
        query = select(VisitFlag).where(VisitFlag.visit_id == visit_id).order_by(VisitFlag.id)
        return list(self.session.scalars(query))

    def proposal_of(self, visit_id: int) -> StatusProposal | None:
        return self.session.scalar(select(StatusProposal).where(StatusProposal.visit_id == visit_id))

    def photos_of(self, visit_id: int) -> list[VisitPhoto]:
        """Without their bytes: only to count them and recognise a re-upload."""
        query = (
            select(VisitPhoto)
            .options(defer(VisitPhoto.data))
            .where(VisitPhoto.visit_id == visit_id)
            .order_by(VisitPhoto.id)
        )
        return list(self.session.scalars(query))


Reviewed = FollowUp | VisitFlag | StatusProposal | VisitRecord


class ReviewRepository:
    """What supervisors review and decide: proof-of-visit flags, follow-ups, status proposals, records held in
    quarantine. Every read is scoped through the person the item is about."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _in(scope: Scope, column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        return column.in_(select(Elder.id).where(scope.elder_clause()))

    def flags(
        self, scope: Scope, *, month: str | None, state: FlagState | None, limit: int, after_id: int | None
    ) -> list[tuple[VisitFlag, VisitRecord]]:
        query = (
            select(VisitFlag, VisitRecord)
            .join(VisitRecord, VisitRecord.id == VisitFlag.visit_id)
            .where(self._in(scope, VisitFlag.elder_id))
        )
        if month is not None:
            query = query.where(VisitRecord.month == month)
        if state is not None:
            query = query.where(VisitFlag.state == state)
        if after_id is not None:
            query = query.where(VisitFlag.id > after_id)
        rows = self.session.execute(query.order_by(VisitFlag.id).limit(limit))
        return [(flag, record) for flag, record in rows]

    def flag(self, scope: Scope, flag_id: int) -> VisitFlag:
        found = self.session.scalar(
            select(VisitFlag).where(VisitFlag.id == flag_id, self._in(scope, VisitFlag.elder_id))
        )
        if found is None:
            raise NotFound("核查标记不存在")
        return found

    def follow_ups(
        self,
        scope: Scope,
        *,
        statuses: Sequence[FollowUpStatus],
        month: str | None,
        limit: int,
        after: tuple[bool, int] | None,
    ) -> list[FollowUp]:
        """Urgent first, then oldest first; `after` is the (urgent, id) of the last row seen."""
        query = select(FollowUp).where(self._in(scope, FollowUp.elder_id), FollowUp.status.in_(statuses))
        if month is not None:
            query = query.where(
                FollowUp.visit_id.in_(select(VisitRecord.id).where(VisitRecord.month == month))
            )
        if after is not None:
            urgent, last_id = after
            later = FollowUp.urgent.is_(urgent) & (FollowUp.id > last_id)
            query = query.where(or_(later, FollowUp.urgent.is_(False)) if urgent else later)
        order = (FollowUp.urgent.desc(), FollowUp.id)
        return list(self.session.scalars(query.order_by(*order).limit(limit)))

    def follow_up(self, scope: Scope, follow_up_id: int) -> FollowUp:
        found = self.session.scalar(
            select(FollowUp).where(FollowUp.id == follow_up_id, self._in(scope, FollowUp.elder_id))
        )
        if found is None:
            raise NotFound("跟进事项不存在")
        return found

    def proposals(
        self, scope: Scope, *, state: ProposalState | None, limit: int, after_id: int | None
    ) -> list[StatusProposal]:
        query = select(StatusProposal).where(self._in(scope, StatusProposal.elder_id))
        if state is not None:
            query = query.where(StatusProposal.state == state)
        if after_id is not None:
            query = query.where(StatusProposal.id > after_id)
        return list(self.session.scalars(query.order_by(StatusProposal.id).limit(limit)))

    def proposal(self, scope: Scope, proposal_id: int) -> StatusProposal:
        found = self.session.scalar(
            select(StatusProposal).where(
                StatusProposal.id == proposal_id, self._in(scope, StatusProposal.elder_id)
            )
        )
        if found is None:
            raise NotFound("状态变更建议不存在")
        return found

    def records(
        self, scope: Scope, *, state: RecordState, month: str | None, limit: int, after_id: int | None
    ) -> list[VisitRecord]:
        query = select(VisitRecord).where(self._in(scope, VisitRecord.elder_id), VisitRecord.state == state)
        if month is not None:
            query = query.where(VisitRecord.month == month)
        if after_id is not None:
            query = query.where(VisitRecord.id > after_id)
        return list(self.session.scalars(query.order_by(VisitRecord.id).limit(limit)))

    def record(self, scope: Scope, record_id: int) -> VisitRecord:
        found = self.session.scalar(
            select(VisitRecord).where(VisitRecord.id == record_id, self._in(scope, VisitRecord.elder_id))
        )
        if found is None:
            raise NotFound("探访记录不存在")
        return found

    def decide(self, row: Reviewed, column: str, expected: object, **values: object) -> bool:
        """Write `values` only if `column` still holds `expected`: of two concurrent decisions, one wins."""
        model = type(row)
        attribute = getattr(model, column)
        result = self.session.execute(
            update(model).where(model.id == row.id, attribute == expected).values(**values)
        )
        return isinstance(result, CursorResult) and result.rowcount == 1

    def waiting(self, scope: Scope, *, month: str) -> dict[str, int]:
        """How much waits in each queue: follow-ups not closed, the month's open flags, pending proposals,
        records in quarantine. Counted with the same clauses as the lists, so each number matches its list."""
        flags = (
            select(func.count(VisitFlag.id))
            .join(VisitRecord, VisitRecord.id == VisitFlag.visit_id)
            .where(
                self._in(scope, VisitFlag.elder_id),
                VisitFlag.state == FlagState.OPEN,
                VisitRecord.month == month,
            )
        )
        queries = {
            "follow_ups": select(func.count(FollowUp.id)).where(
                self._in(scope, FollowUp.elder_id), FollowUp.status != FollowUpStatus.CLOSED
            ),
            "flags": flags,
            "proposals": select(func.count(StatusProposal.id)).where(
                self._in(scope, StatusProposal.elder_id), StatusProposal.state == ProposalState.PENDING
            ),
            "quarantined": select(func.count(VisitRecord.id)).where(
                self._in(scope, VisitRecord.elder_id), VisitRecord.state == RecordState.QUARANTINED
            ),
        }
        return {name: self.session.scalar(query) or 0 for name, query in queries.items()}

    def worker_names(self, ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for chunk in _chunks(sorted(set(ids))):
            query = select(Worker.id, Worker.name).where(Worker.id.in_(chunk))
            found.update(dict(self.session.execute(query).all()))
        return found
