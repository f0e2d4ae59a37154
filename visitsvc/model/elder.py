"""A person on the register (台账) and the history of their status."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from visitsvc.kernel import crypto
from visitsvc.kernel.idnumber import age_on
from visitsvc.model.area import Area
from visitsvc.model.base import Base, enum_column
from visitsvc.model.encrypted import EncryptedDate, EncryptedString
from visitsvc.model.enums import (
    AbilityLevel,
    Category,
    DisabilityGrade,
    ElderStatus,
    Sex,
    Willingness,
)

VERY_OLD_AGE = 80  # 高龄 is a category the register derives, never one typed in
ID_NUMBER = "elders.id_number"


def kept_categories(categories: frozenset[Category], birth_date: date, today: date) -> frozenset[Category]:
    """The categories a person is registered with: as given, except 高龄, which follows the age."""
    wanted = set(categories)
    wanted.discard(Category.VERY_OLD)
    if age_on(birth_date, today) >= VERY_OLD_AGE:
        wanted.add(Category.VERY_OLD)
    return frozenset(wanted)


def id_number_index(value: str) -> str:
    """The blind index of a (normalised) ID number: what exact lookup and uniqueness compare."""
    return crypto.blind_index(value, ID_NUMBER)


class ElderCategory(Base):
    __tablename__ = "elder_categories"

    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), primary_key=True)
    category: Mapped[Category] = mapped_column(enum_column(Category), primary_key=True, index=True)


class Elder(Base):
    __tablename__ = "elders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    # Encrypted at rest (docs/adr/0013); lookup and uniqueness by the blind index, kept in step below.
    id_number: Mapped[str] = mapped_column(EncryptedString(ID_NUMBER))
    # One record per person: re-registration is a status change, so the number is unique outright.
    id_number_index: Mapped[str] = mapped_column(String(64), unique=True)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    birth_date: Mapped[date] = mapped_column(EncryptedDate("elders.birth_date"))
    phone: Mapped[str | None] = mapped_column(EncryptedString("elders.phone"))
    address: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float | None]  # WGS-84
    lat: Mapped[float | None]
    location_verified: Mapped[bool] = mapped_column(default=False)
    grid_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    ability_level: Mapped[AbilityLevel | None] = mapped_column(enum_column(AbilityLevel))
    disability_grade: Mapped[DisabilityGrade | None] = mapped_column(enum_column(DisabilityGrade))
    emergency_contact: Mapped[str | None] = mapped_column(String(50))
    emergency_phone: Mapped[str | None] = mapped_column(EncryptedString("elders.emergency_phone"))
    willingness: Mapped[Willingness] = mapped_column(enum_column(Willingness), default=Willingness.HOME)
    preferred_start: Mapped[time | None]
    preferred_end: Mapped[time | None]
    notes: Mapped[str | None] = mapped_column(Text)
    # A supervisor's finding that the person refuses all contact (not the willingness value): not coverable.
    refused_contact_on: Mapped[date | None]
    refused_contact_reason: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[ElderStatus] = mapped_column(
        enum_column(ElderStatus), default=ElderStatus.ACTIVE, index=True
    )
    status_since: Mapped[date]
    # PIPL art. 19: when the personal fields were replaced by a pseudonym (register.retention_rules); final.
    pseudonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    grid: Mapped[Area] = relationship(lazy="joined", innerjoin=True)
    category_rows: Mapped[list[ElderCategory]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=ElderCategory.category
    )
    status_changes: Mapped[list[StatusChange]] = relationship(
        lazy="raise", back_populates="elder", order_by="StatusChange.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared mapping

    @validates("id_number")
    def _index_id_number(self, _key: str, value: str) -> str:
        # Whoever sets the number (a service, the import, the retention helper) sets its index with it.
        self.id_number_index = id_number_index(value)
        return value

    @property
    def categories(self) -> frozenset[Category]:
        return frozenset(row.category for row in self.category_rows)

    def set_categories(self, categories: frozenset[Category], *, today: date) -> None:
        """Replace the categories; 高龄 follows the age, whatever was given."""
        wanted = kept_categories(categories, self.birth_date, today)
        current = {row.category: row for row in self.category_rows}
        for category, row in current.items():
            if category not in wanted:
                self.category_rows.remove(row)
        for category in sorted(wanted - current.keys()):
            self.category_rows.append(ElderCategory(category=category))

    def age(self, today: date) -> int:
        return age_on(self.birth_date, today)

    def change_status(
        self, status: ElderStatus, *, effective: date, reason: str, by: int | None, at: datetime
    ) -> StatusChange:
        change = StatusChange(
            elder_id=self.id,
            from_status=self.status,
            to_status=status,
            effective_date=effective,
            reason=reason,
            author_id=by,
            recorded_at=at,
        )
        self.status = status
        self.status_since = effective
        self.updated_at = at
        return change


class StatusChange(Base):
    __tablename__ = "elder_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("elders.id"), index=True)
    from_status: Mapped[ElderStatus | None] = mapped_column(enum_column(ElderStatus))
    to_status: Mapped[ElderStatus] = mapped_column(enum_column(ElderStatus))
    effective_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    recorded_at: Mapped[datetime]

    elder: Mapped[Elder] = relationship(back_populates="status_changes", lazy="raise")
