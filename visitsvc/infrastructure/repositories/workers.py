"""Workers: accounts, roles and grids."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.repositories.batches import chunks
from visitsvc.kernel.errors import NotFound
from visitsvc.model import Role, Worker


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
        for chunk in chunks(sorted(set(accounts))):
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
