"""Organisations, their contracts and pairings (issue 19). Reads that a caller makes take a Scope, like
every other repository's; the planner's reads of a month take the area path it plans."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from visitsvc.access.scoping import Scope
from visitsvc.kernel.errors import NotFound
from visitsvc.model import Contract, Elder, Organisation, Pairing, Role, VisitorProfile, Worker


class OrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, organisation: Organisation) -> None:
        self.session.add(organisation)
        self.session.flush()

    def get(self, organisation_id: int) -> Organisation:
        organisation = self.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound("机构不存在")
        return organisation

    def get_in(self, scope: Scope, organisation_id: int) -> Organisation:
        """The organisation if the scope sees it; NotFound otherwise, as if missing."""
        query = select(Organisation).where(Organisation.id == organisation_id, scope.organisation_clause())
        organisation = self.session.scalar(query)
        if organisation is None:
            raise NotFound("机构不存在")
        return organisation

    def page(self, scope: Scope, *, limit: int, after_id: int | None = None) -> list[Organisation]:
        query = select(Organisation).where(scope.organisation_clause())
        if after_id is not None:
            query = query.where(Organisation.id > after_id)
        return list(self.session.scalars(query.order_by(Organisation.id).limit(limit)))

    def staff(self, organisation_id: int) -> list[Worker]:
        """Its visitors and coordinators, by account."""
        query = (
            select(Worker)
            .join(VisitorProfile, VisitorProfile.worker_id == Worker.id)
            .where(VisitorProfile.organisation_id == organisation_id)
        )
        return list(self.session.scalars(query.order_by(Worker.account)))

    def by_credit_code(self, code: str) -> Organisation | None:
        return self.session.scalar(select(Organisation).where(Organisation.credit_code == code))

    def all(self) -> list[Organisation]:
        return list(self.session.scalars(select(Organisation).order_by(Organisation.id)))


class ContractRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, contract: Contract) -> None:
        self.session.add(contract)
        self.session.flush()

    def get(self, contract_id: int) -> Contract:
        contract = self.session.get(Contract, contract_id)
        if contract is None:
            raise NotFound("合同不存在")
        return contract

    def get_in(self, scope: Scope, contract_id: int) -> Contract:
        contract = self.session.scalar(
            select(Contract).where(Contract.id == contract_id, scope.contract_clause())
        )
        if contract is None:
            raise NotFound("合同不存在")
        return contract

    def by_code(self, code: str) -> Contract | None:
        return self.session.scalar(select(Contract).where(Contract.code == code))

    def of_organisation_in(self, scope: Scope, organisation_id: int) -> list[Contract]:
        """The organisation's contracts the scope sees (a street's supervisor: those filed under or covering
        the street), oldest first."""
        query = select(Contract).where(Contract.organisation_id == organisation_id, scope.contract_clause())
        return list(self.session.scalars(query.order_by(Contract.id)))

    def of_organisation(self, organisation_id: int) -> list[Contract]:
        query = select(Contract).where(Contract.organisation_id == organisation_id).order_by(Contract.id)
        return list(self.session.scalars(query))

    def overlapping(self, first: date, last: date) -> list[Contract]:
        query = select(Contract).where(Contract.first_day <= last, Contract.last_day >= first)
        return list(self.session.scalars(query.order_by(Contract.id)))


class PairingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, pairing: Pairing) -> None:
        self.session.add(pairing)
        self.session.flush()

    def get(self, pairing_id: int) -> Pairing:
        pairing = self.session.get(Pairing, pairing_id)
        if pairing is None:
            raise NotFound("结对不存在")
        return pairing

    def get_in(self, scope: Scope, pairing_id: int) -> Pairing:
        """The pairing if the scope sees its person; NotFound otherwise."""
        query = (
            select(Pairing)
            .join(Elder, Elder.id == Pairing.elder_id)
            .where(Pairing.id == pairing_id, scope.elder_clause())
        )
        pairing = self.session.scalar(query)
        if pairing is None:
            raise NotFound("结对不存在")
        return pairing

    def page(
        self,
        scope: Scope,
        *,
        elder_id: int | None = None,
        visitor_id: int | None = None,
        organisation_id: int | None = None,
        limit: int,
        after_id: int | None = None,
    ) -> list[Pairing]:
        """Pairings of the people the scope sees, newest id last; `organisation_id` also finds the pairings
        with its visitors."""
        query = select(Pairing).join(Elder, Elder.id == Pairing.elder_id).where(scope.elder_clause())
        if elder_id is not None:
            query = query.where(Pairing.elder_id == elder_id)
        if visitor_id is not None:
            query = query.where(Pairing.visitor_id == visitor_id)
        if organisation_id is not None:
            staff = select(VisitorProfile.worker_id).where(VisitorProfile.organisation_id == organisation_id)
            query = query.where(
                or_(Pairing.organisation_id == organisation_id, Pairing.visitor_id.in_(staff))
            )
        if after_id is not None:
            query = query.where(Pairing.id > after_id)
        return list(self.session.scalars(query.order_by(Pairing.id).limit(limit)))

    def under_contract(self, contract_id: int) -> list[Pairing]:
        return list(self.session.scalars(select(Pairing).where(Pairing.contract_id == contract_id)))

    def lock_person(self, elder_id: int) -> None:
        """Hold the person's row until the transaction ends (PostgreSQL): two pairings of one person written
        at once would each miss the other's overlap."""
        self.session.execute(select(Elder.id).where(Elder.id == elder_id).with_for_update())

    def overlapping(self, first: date, last: date, elder_ids: Iterable[int] | None = None) -> list[Pairing]:
        """Pairings in force on a day from `first` to `last`, oldest first (of `elder_ids` only, if given)."""
        query = select(Pairing).where(
            Pairing.first_day <= last, or_(Pairing.last_day.is_(None), Pairing.last_day >= first)
        )
        if elder_ids is not None:
            query = query.where(Pairing.elder_id.in_(sorted(set(elder_ids))))
        return list(self.session.scalars(query.order_by(Pairing.id)))

    def people_of_visitor(self, visitor_id: int, day: date) -> set[int]:
        """The people paired with the visitor on `day`."""
        query = select(Pairing.elder_id).where(
            Pairing.visitor_id == visitor_id,
            Pairing.first_day <= day,
            or_(Pairing.last_day.is_(None), Pairing.last_day >= day),
        )
        return set(self.session.scalars(query))

    def people_of_organisation(self, organisation_id: int, day: date) -> set[int]:
        """The people paired on `day` with the organisation or with one of its visitors."""
        staff = select(VisitorProfile.worker_id).where(VisitorProfile.organisation_id == organisation_id)
        query = select(Pairing.elder_id).where(
            or_(Pairing.organisation_id == organisation_id, Pairing.visitor_id.in_(staff)),
            Pairing.first_day <= day,
            or_(Pairing.last_day.is_(None), Pairing.last_day >= day),
        )
        return set(self.session.scalars(query))

    def visitors(self, visitor_ids: Iterable[int], organisation_ids: Iterable[int]) -> list[Worker]:
        """The active visitors named, and those of the organisations: who a month's pairings may route to."""
        staff = select(VisitorProfile.worker_id).where(
            VisitorProfile.organisation_id.in_(sorted(set(organisation_ids)))
        )
        query = select(Worker).where(
            Worker.role == Role.VISITOR,
            Worker.active.is_(True),
            or_(Worker.id.in_(sorted(set(visitor_ids))), Worker.id.in_(staff)),
        )
        return list(self.session.scalars(query.order_by(Worker.id)))

    def staff_of(self, organisation_ids: Iterable[int]) -> dict[int, int]:
        """Worker -> organisation, of everyone (active or not) filed under the organisations."""
        query = select(VisitorProfile.worker_id, VisitorProfile.organisation_id).where(
            VisitorProfile.organisation_id.in_(sorted(set(organisation_ids)))
        )
        return {worker: organisation for worker, organisation in self.session.execute(query) if organisation}
