"""PIPL art. 19: how long the register keeps the personal data of people who left, and of visit photos.

People who died, moved out or withdrew keep their row, status history, visits and plans (the statistics of
past months depend on them), but after `years` their personal fields are replaced by a pseudonym. Photos
are removed `photo_days` after the month of their visit closed, for everyone. Pure rules; the run itself
is `visitsvc.register.retention`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from visitsvc.kernel.month import Month

PSEUDONYM = "已匿名"
# Keys of audit details, visit findings and follow-up requests whose values are personal data or free text
# that may name the person. Structured codes (status, outcome, kind, categories, dates) are kept.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "id_number",
        "phone",
        "emergency_contact",
        "emergency_phone",
        "address",
        "notes",
        "note",
        "reason",
        "void_reason",
        "decision_note",
        "refused_contact_reason",
        "lon",
        "lat",
    }
)
MIN_PHOTO_DAYS = 31  # a month's late records are reviewed, with their photos, in the month after it


@dataclass(frozen=True, slots=True)
class RetentionRules:
    years: int = 3  # VISITSVC_RETENTION_YEARS: after leaving the register
    photo_days: int = 365  # VISITSVC_PHOTO_RETENTION_DAYS: after the visit's month closed
    batch: int = 200  # VISITSVC_RETENTION_BATCH: people (or photos) per committed batch

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RetentionRules:
        values: dict[str, int] = {}
        for name, attr in (
            ("VISITSVC_RETENTION_YEARS", "years"),
            ("VISITSVC_PHOTO_RETENTION_DAYS", "photo_days"),
            ("VISITSVC_RETENTION_BATCH", "batch"),
        ):
            raw = env.get(name, "").strip()
            if raw:
                try:
                    values[attr] = int(raw)
                except ValueError:
                    raise ValueError(f"{name} must be an integer, got {raw!r}") from None
        rules = cls(**values)
        rules.validate()
        return rules

    def validate(self) -> None:
        # A typo of 0 would pseudonymise everyone who left yesterday: refused rather than obeyed.
        if self.years < 1:
            raise ValueError("VISITSVC_RETENTION_YEARS must be at least 1")
        if self.photo_days < MIN_PHOTO_DAYS:
            raise ValueError(f"VISITSVC_PHOTO_RETENTION_DAYS must be at least {MIN_PHOTO_DAYS}")
        if self.batch < 1:
            raise ValueError("VISITSVC_RETENTION_BATCH must be at least 1")

    def left_before(self, today: date) -> date:
        """People whose leaving status started before this day are pseudonymised (more than `years` ago)."""
        try:
            return today.replace(year=today.year - self.years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - self.years, day=28)

    def photos_kept_from(self, today: date) -> Month:
        """The first month whose photos are kept: every earlier month closed more than `photo_days` ago."""
        return Month.of(today - timedelta(days=self.photo_days))


def pseudonym_name(elder_id: int) -> str:
    return f"{PSEUDONYM}-{elder_id}"


def pseudonym_id_number(elder_id: int) -> str:
    """Unique like the real number and never a valid one (a letter first); it fits String(18)."""
    return f"R{elder_id:017d}"


def blank(value: str | None) -> str | None:
    return None if value is None else PSEUDONYM


def scrub(details: Mapping[str, Any]) -> dict[str, Any]:
    """The same shape, with the values under personal keys replaced (None stays None)."""
    return {
        key: _blank_all(value) if key in PERSONAL_KEYS else _walk(value) for key, value in details.items()
    }


def _walk(value: Any) -> Any:
    if isinstance(value, Mapping):
        return scrub(value)
    if isinstance(value, list):
        return [_walk(v) for v in value]
    return value


def _blank_all(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {k: _blank_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_all(v) for v in value]
    return PSEUDONYM
