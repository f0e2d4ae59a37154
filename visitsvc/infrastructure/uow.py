"""Unit of work over SQLAlchemy, and the engine set-up for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from visitsvc.infrastructure.repositories.absences import AbsenceRepository
from visitsvc.infrastructure.repositories.appointments import AppointmentRepository
from visitsvc.infrastructure.repositories.area_policies import AreaPolicyRepository
from visitsvc.infrastructure.repositories.areas import AreaRepository
from visitsvc.infrastructure.repositories.audit import AuditRepository
from visitsvc.infrastructure.repositories.calendar_days import CalendarRepository
from visitsvc.infrastructure.repositories.deliveries import DeliveryRepository
from visitsvc.infrastructure.repositories.elders import ElderRepository
from visitsvc.infrastructure.repositories.job_runs import JobRunRepository
from visitsvc.infrastructure.repositories.months import MonthRepository
from visitsvc.infrastructure.repositories.notifications import NotificationRepository
from visitsvc.infrastructure.repositories.organisations import (
    ContractRepository,
    OrganisationRepository,
    PairingRepository,
)
from visitsvc.infrastructure.repositories.planning_locks import PlanningLockRepository
from visitsvc.infrastructure.repositories.plans import PlanRepository
from visitsvc.infrastructure.repositories.remedies import RemedyRepository
from visitsvc.infrastructure.repositories.retention import RetentionRepository
from visitsvc.infrastructure.repositories.review import ReviewRepository
from visitsvc.infrastructure.repositories.status_timelines import StatusTimelineRepository
from visitsvc.infrastructure.repositories.tokens import TokenRepository
from visitsvc.infrastructure.repositories.visits import VisitRepository
from visitsvc.infrastructure.repositories.workers import WorkerRepository
from visitsvc.kernel.clock import Clock, SystemClock


def make_engine(url: str, **kwargs: Any) -> Engine:
    # Bound values (ID numbers, phones) never appear in an error's text, hence never in a log.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    """WAL and durable commits; pysqlite's own transaction handling is replaced so SAVEPOINT works.

    See SQLAlchemy's "Serializable isolation / Savepoints / Transactional DDL" recipe for pysqlite.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=30000",
            "PRAGMA secure_delete=ON",  # deleted rows (photos, retention) are zeroed, whatever the build
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


class UnitOfWork:
    """One transaction. `with uow:` opens it; `uow.commit()` is the only way anything is kept.

    The clock travels with the unit of work so that every timestamp written in it agrees.
    """

    areas: AreaRepository
    area_policies: AreaPolicyRepository
    elders: ElderRepository
    workers: WorkerRepository
    audit: AuditRepository
    tokens: TokenRepository
    plans: PlanRepository
    planning_locks: PlanningLockRepository
    remedies: RemedyRepository
    calendar: CalendarRepository
    status_timelines: StatusTimelineRepository
    absences: AbsenceRepository
    appointments: AppointmentRepository
    job_runs: JobRunRepository
    months: MonthRepository
    visits: VisitRepository
    review: ReviewRepository
    retention: RetentionRepository
    notifications: NotificationRepository
    organisations: OrganisationRepository
    contracts: ContractRepository
    pairings: PairingRepository
    deliveries: DeliveryRepository
    session: Session

    def __init__(self, factory: sessionmaker[Session], clock: Clock | None = None) -> None:
        self._factory = factory
        self.clock: Clock = clock or SystemClock()

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.areas = AreaRepository(self.session)
        self.area_policies = AreaPolicyRepository(self.session)
        self.elders = ElderRepository(self.session)
        self.workers = WorkerRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.tokens = TokenRepository(self.session)
        self.plans = PlanRepository(self.session)
        self.planning_locks = PlanningLockRepository(self.session)
        self.remedies = RemedyRepository(self.session)
        self.calendar = CalendarRepository(self.session)
        self.status_timelines = StatusTimelineRepository(self.session)
        self.absences = AbsenceRepository(self.session)
        self.appointments = AppointmentRepository(self.session)
        self.job_runs = JobRunRepository(self.session)
        self.months = MonthRepository(self.session)
        self.visits = VisitRepository(self.session)
        self.review = ReviewRepository(self.session)
        self.retention = RetentionRepository(self.session)
        self.notifications = NotificationRepository(self.session)
        self.organisations = OrganisationRepository(self.session)
        self.contracts = ContractRepository(self.session)
        self.pairings = PairingRepository(self.session)
        self.deliveries = DeliveryRepository(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() rolls back whatever was not committed, and unlike rollback() it does not expire what was
        # read: rows loaded in a unit of work stay readable (detached) after it.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()

    def refresh_statistics(self, *tables: str) -> None:
        """After a bulk load: PostgreSQL plans from statistics, and tables just filled have none (or stale
        ones) until autovacuum's next ANALYZE, if it runs at all; with none, a scoped page of the register is
        planned as if an area held a handful of people. ANALYZE is transactional and counts this
        transaction's own rows, so the statistics land with the rows. SQLite's planner needs none."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in tables:
            self.session.execute(text(f"ANALYZE {table}"))  # names from the models, never input
