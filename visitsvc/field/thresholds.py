"""The thresholds of field work: how late a record may arrive, how much clock skew a phone may have, when
a home visit is flagged, how large a photo may be. Each one is a VISITSVC_* setting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class FieldRules:
    # A record counts in the month of its start if it arrives by this day of the next month (Asia/Shanghai);
    # later ones wait in quarantine for a supervisor.
    late_days: int = 10
    clock_skew_seconds: int = 300  # times further in the future than this are a broken phone clock
    max_visit_hours: int = 24
    # Proof of visit: flag, never block.
    far_min_m: float = 200.0
    far_accuracy_factor: float = 2.0  # a fix is "too far" beyond max(far_min_m, factor x its accuracy)
    poor_accuracy_m: float = 100.0
    good_fix_m: float = 50.0  # good enough to confirm an unverified home within the far limit, or propose one
    min_minutes_on_site: float = 3.0
    max_photo_bytes: int = 5 * 1024 * 1024
    max_photos_per_visit: int = 10
    max_sync_records: int = 200

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FieldRules:
        """VISITSVC_FIELD_LATE_DAYS=15 sets late_days, and so on for every field."""
        values: dict[str, float | int] = {}
        for spec in fields(cls):
            name = f"VISITSVC_FIELD_{spec.name.upper()}"
            raw = env.get(name, "").strip()
            if not raw:
                continue
            kind = int if spec.type in ("int", int) else float
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {raw!r}") from None
            if value < 0:
                raise ValueError(f"{name} must not be negative")
            values[spec.name] = value
        return cls(**values)  # type: ignore[arg-type]
