"""Who besides grid workers visits (五社联动, 政府购买服务): organisations, the contracts an office buys
visits under, and pairings (结对帮扶) of a person with a visitor or an organisation for a period."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from visitsvc.model.area import Area
from visitsvc.model.base import Base, enum_column
from visitsvc.model.encrypted import EncryptedString
from visitsvc.model.enums import OrganisationKind, VisitKind

organisation_areas = Table(
    "organisation_areas",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("area_id", ForeignKey("areas.id"), primary_key=True, index=True),
)

contract_areas = Table(
    "contract_areas",
    Base.metadata,
    Column("contract_id", ForeignKey("contracts.id"), primary_key=True),
    Column("area_id", ForeignKey("areas.id"), primary_key=True, index=True),
)


class Organisation(Base):
    """A 社工站, 社会组织, 养老服务机构, 志愿服务组织 or 老年协会 whose staff visit."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    # 统一社会信用代码 (GB 32100-2015), its check character verified (`kernel.credit_code`).
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(EncryptedString("organisations.contact_phone"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # The areas it serves; its records (audit entries, statements) are filed under the first.
    areas: Mapped[list[Area]] = relationship(
        secondary=organisation_areas, lazy="selectin", order_by=Area.code
    )

    def __repr__(self) -> str:
        return f"Organisation({self.name!r})"


class Contract(Base):
    """Visits an office buys from an organisation (政府购买服务): a period, the areas covered, a price per
    visit kind, and a monthly quota counted on delivered visits."""

    __tablename__ = "contracts"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint("last_day >= first_day", name="period"),
        CheckConstraint("monthly_quota >= 0", name="quota"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # the office's contract number
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    # Visits delivered (outcome `visited`, or a try that found nobody where `pays_not_found`) paid a month.
    monthly_quota: Mapped[int]
    pays_not_found: Mapped[bool] = mapped_column(default=False)
    # The area filed under (the office that manages it); the areas covered are `areas`.
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    area: Mapped[Area] = relationship(lazy="joined")
    areas: Mapped[list[Area]] = relationship(secondary=contract_areas, lazy="selectin", order_by=Area.code)
    prices: Mapped[list[ContractPrice]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ContractPrice.kind"
    )

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def price_of(self, kind: VisitKind) -> Decimal | None:
        return next((p.unit_price for p in self.prices if p.kind is kind), None)


class ContractPrice(Base):
    __tablename__ = "contract_prices"
    __table_args__ = (CheckConstraint("unit_price >= 0", name="unit_price"),)

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), primary_key=True)
    kind: Mapped[VisitKind] = mapped_column(enum_column(VisitKind), primary_key=True)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2, asdecimal=True))  # yuan


class Pairing(Base):
    """结对帮扶: from `first_day` to `last_day` (None: open) the person's visits are made by `visitor_id`, or,
    with no visitor named, by a visitor of `organisation_id` (the planner picks). Under a contract, the
    visits count against its quota and appear on its statement."""

    __tablename__ = "pairings"
    __table_args__ = (
        CheckConstraint("last_day IS NULL OR last_day >= first_day", name="period"),
        CheckConstraint("visitor_id IS NOT NULL OR organisation_id IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)

    def overlaps(self, first: date, last: date) -> bool:
        return self.first_day <= last and (self.last_day is None or first <= self.last_day)
