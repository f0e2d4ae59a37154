"""Elders: the register's people, found by scope, filter or blind index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast

from sqlalchemy import CursorResult, Select, insert, select, text, update
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.infrastructure.repositories.batches import chunks, table_of
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.idnumber import age_on
from visitsvc.model import (
    AbilityLevel,
    Area,
    Category,
    DisabilityGrade,
    Elder,
    ElderCategory,
    ElderStatus,
    StatusChange,
    Willingness,
)
from visitsvc.model.elder import id_number_index


@dataclass(frozen=True, slots=True)
class ElderFilter:
    category: Category | None = None
    status: ElderStatus | None = None
    ability_level: AbilityLevel | None = None
    name_contains: str | None = None
    id_number: str | None = None


@dataclass(frozen=True, slots=True)
class PlanningPerson:
    """What planning reads of a person: the columns the policy and the routes need, read as values. Of the
    sealed columns only the birth date (for the age) is decrypted; name, ID number and phones stay shut."""

    categories: frozenset[Category]  # then the PLANNING_COLUMNS, in their order
    id: int
    grid_id: int
    grid_code: str
    grid_path: str
    lon: float | None
    lat: float | None
    preferred_start: time | None
    preferred_end: time | None
    ability_level: AbilityLevel | None
    disability_grade: DisabilityGrade | None
    willingness: Willingness
    birth_date: date
    refused_contact_on: date | None
    status: ElderStatus
    status_since: date

    def age(self, today: date) -> int:
        return age_on(self.birth_date, today)


PLANNING_COLUMNS = (
    Elder.id, Elder.grid_id, Area.code.label("grid_code"), Area.path.label("grid_path"), Elder.lon, Elder.lat,
    Elder.preferred_start, Elder.preferred_end, Elder.ability_level, Elder.disability_grade,
    Elder.willingness, Elder.birth_date, Elder.refused_contact_on, Elder.status, Elder.status_since,
)  # fmt: skip


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
        for chunk in chunks(sorted({id_number_index(n) for n in numbers})):
            rows = self.session.scalars(select(Elder).where(Elder.id_number_index.in_(chunk)))
            found.update({e.id_number: e for e in rows})
        return found

    def _filtered(self, scope: Scope, flt: ElderFilter) -> Select[Elder]:
        query = select(Elder).where(scope.elder_clause())
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

    def for_planning(self, scope: Scope) -> list[PlanningPerson]:
        """Everybody in scope, by id, as planning reads them: two queries (the people with their grid, their
        categories), no ORM rows, whatever the size of the area."""
        categories: dict[int, set[Category]] = defaultdict(set)
        in_scope = select(Elder.id).where(scope.elder_clause())
        query = select(ElderCategory.elder_id, ElderCategory.category).where(
            ElderCategory.elder_id.in_(in_scope)
        )
        for elder_id, category in self.session.execute(query):
            categories[elder_id].add(category)
        people = select(*PLANNING_COLUMNS).join(Area, Elder.grid_id == Area.id).where(scope.elder_clause())
        return [
            PlanningPerson(frozenset(categories.get(row[0], ())), *row)
            for row in cast(Iterable[tuple[Any, ...]], self.session.execute(people.order_by(Elder.id)))
        ]

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
        for chunk in chunks(sorted(set(ids))):
            found.update({e.id: e for e in self.session.scalars(select(Elder).where(Elder.id.in_(chunk)))})
        return found

    def visible_ids(self, scope: Scope, ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for chunk in chunks(sorted(set(ids))):
            found.update(
                self.session.scalars(select(Elder.id).where(Elder.id.in_(chunk), scope.elder_clause()))
            )
        return found

    def add(self, elder: Elder) -> Elder:
        self.session.add(elder)
        return elder

    def insert_new(self, rows: list[dict[str, Any]]) -> list[int]:
        """New people's rows (every column but the id), written at once; their ids come back in the rows'
        order. Not through the session: what the import registers by the thousand needs no bookkeeping.

        PostgreSQL: the ids are drawn from the table's sequence first, so the rows go as a plain executemany,
        which psycopg pipelines. With RETURNING they would go as multi-row VALUES statements, which psycopg
        parses whole each time: four times slower for the city 台账. SQLite: RETURNING, in the rows' order.
        """
        if not rows:
            return []
        table = table_of(Elder)
        if self.session.get_bind().dialect.name == "postgresql":
            ids = list(
                self.session.scalars(
                    text(
                        "SELECT nextval(pg_get_serial_sequence('elders', 'id')) FROM generate_series(1, :n)"
                    ),
                    {"n": len(rows)},
                )
            )
            self.session.execute(insert(table), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
            return ids
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.session.scalars(returning, rows))

    def insert_categories(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(table_of(ElderCategory)), rows)

    def insert_status_changes(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(table_of(StatusChange)), rows)

    def verify_location(self, elder_id: int, *, lon: float, lat: float, at: datetime) -> bool:
        """Mark a home verified only if it is still unverified and still at (lon, lat): of two writers, one
        wins, and a position moved since is left a guess. The version moves on, as for any change to the row,
        so an edit begun before it is told the row changed."""
        result = self.session.execute(
            update(Elder)
            .where(
                Elder.id == elder_id,
                Elder.location_verified.is_(False),
                Elder.lon == lon,
                Elder.lat == lat,
            )
            .values(location_verified=True, updated_at=at, version=Elder.version + 1)
        )
        return isinstance(result, CursorResult) and result.rowcount == 1

    def add_status_change(self, change: StatusChange) -> None:
        self.session.add(change)

    def history(self, elder_id: int) -> list[StatusChange]:
        query = select(StatusChange).where(StatusChange.elder_id == elder_id).order_by(StatusChange.id)
        return list(self.session.scalars(query))
