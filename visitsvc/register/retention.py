"""The retention run (PIPL art. 19): pseudonymise people who left the register long ago, remove old photos.

Rows stay (status history, visits, plans, audit entries: the statistics and the trail keep their shape); the
personal fields and the free text that may name the person are replaced (retention_rules). Unlike other
commands the run commits once per batch, each batch with its own audit entries, so that a long run stopped
halfway keeps what it did and the next run goes on from there; a finished run finds nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from visitsvc.access.scoping import ROOT_PATH, Caller, require_admin
from visitsvc.accounts import audit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Elder
from visitsvc.register.retention_rules import (
    PSEUDONYM,
    RetentionRules,
    blank,
    pseudonym_id_number,
    pseudonym_name,
    scrub,
)

Progress = Callable[[int, int], None]
DEFAULT_RULES = RetentionRules()


@dataclass(frozen=True, slots=True)
class RetentionOutcome:
    dry_run: bool
    people: int  # pseudonymised (or, in a dry run, due)
    photos: int  # removed (or due)
    photo_bytes: int
    left_before: date  # people whose leaving status started before this day
    photos_kept_from: str  # the first month whose photos are kept

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "people": self.people,
            "photos": self.photos,
            "photo_bytes": self.photo_bytes,
            "left_before": self.left_before.isoformat(),
            "photos_kept_from": self.photos_kept_from,
        }


def run_retention(
    uow: UnitOfWork,
    *,
    caller: Caller,
    today: date,
    dry_run: bool,
    rules: RetentionRules = DEFAULT_RULES,
    trigger: str = "cli",
    progress: Progress | None = None,
) -> RetentionOutcome:
    """Count what is due; unless `dry_run`, do it batch by batch. Both are audited with their counts."""
    require_admin(caller)
    report = progress or (lambda _done, _total: None)
    left_before = rules.left_before(today)
    kept_from = rules.photos_kept_from(today)
    kept_from_text = str(kept_from)  # as the outcome and the audit show it
    with uow:
        people = uow.retention.count_due_people(left_before)
        photos, photo_bytes = uow.retention.count_due_photos(kept_from, left_before)
        if dry_run:
            outcome = RetentionOutcome(True, people, photos, photo_bytes, left_before, kept_from_text)
            _audit_run(uow, caller, outcome, rules, trigger)
            uow.commit()
            return outcome
    total = people + photos
    done = {"people": 0, "photos": 0, "bytes": 0}
    report(0, total)
    while True:
        with uow:
            batch = uow.retention.due_people(left_before, limit=rules.batch)
            if not batch:
                break
            removed, size = _pseudonymise(uow, caller, batch)
            uow.commit()
        done["people"] += len(batch)
        done["photos"] += removed
        done["bytes"] += size
        report(min(done["people"] + done["photos"], total), total)
    while True:
        with uow:
            rows = uow.retention.old_photos(kept_from, limit=rules.batch)
            if not rows:
                break
            size = sum(s for _, s in rows)
            uow.retention.delete_photos([i for i, _ in rows])
            audit.record(
                uow, caller, action="retention.photos", record_type="retention", record_id=None,
                details={"photos": len(rows), "bytes": size, "months_before": kept_from_text},
            )  # fmt: skip
            uow.commit()
        done["photos"] += len(rows)
        done["bytes"] += size
        report(min(done["people"] + done["photos"], total), total)
    with uow:
        outcome = RetentionOutcome(
            False, done["people"], done["photos"], done["bytes"], left_before, kept_from_text
        )
        _audit_run(uow, caller, outcome, rules, trigger)
        uow.commit()
    return outcome


def run_scheduled(uow: UnitOfWork, *, today: date, rules: RetentionRules = DEFAULT_RULES) -> dict[str, Any]:
    """The monthly job. Pseudonymisation cannot be undone, so the scheduler never makes the first real run:
    until an operator has (after their dry run) run `visitsvc retention run`, it only counts, audited."""
    with uow:
        started = uow.retention.ever_ran()
    outcome = run_retention(
        uow, caller=Caller.system(), today=today, dry_run=not started, rules=rules, trigger="scheduler"
    )
    waiting = {} if started else {"skipped": "waiting_for_a_first_run_by_an_operator"}
    return {**outcome.as_json(), **waiting}


def _pseudonymise(uow: UnitOfWork, caller: Caller, elders: Sequence[Elder]) -> tuple[int, int]:
    """Replace the personal data of `elders` and of everything that names them; (photos, bytes) removed.

    Written through the ORM attributes only: columns encrypted at rest stay encrypted."""
    ids = [e.id for e in elders]
    photos = uow.retention.photos_of_people(ids)
    uow.retention.delete_photos([i for i, _ in photos])
    for change in uow.retention.status_changes(ids):
        change.reason = PSEUDONYM
    visits = uow.retention.visits(ids)
    for visit in visits:
        visit.findings = scrub(visit.findings)
        visit.follow_up = None if visit.follow_up is None else scrub(visit.follow_up)
        visit.lon = visit.lat = None  # where the phone was: the person's home
        visit.void_reason = blank(visit.void_reason)
    follow_ups = uow.retention.follow_ups(ids)
    for item in follow_ups:
        item.note = blank(item.note)
    proposals = uow.retention.proposals(ids)
    for proposal in proposals:
        proposal.decision_note = blank(proposal.decision_note)
    flags = uow.retention.flags(ids)
    for flag in flags:
        flag.detail = {k: None if k in ("lon", "lat") else v for k, v in flag.detail.items()}
    about = {
        "elder": ids,
        "visit": [v.id for v in visits],
        "follow_up": [f.id for f in follow_ups],
        "status_proposal": [p.id for p in proposals],
        "visit_flag": [f.id for f in flags],
    }
    for entry in uow.retention.audit_about(about):
        entry.details = scrub(entry.details)
    now = uow.clock.now()
    for elder in elders:
        elder.name = pseudonym_name(elder.id)
        elder.id_number = pseudonym_id_number(elder.id)
        elder.phone = None
        elder.emergency_contact = None
        elder.emergency_phone = None
        elder.address = PSEUDONYM
        elder.lon = elder.lat = None
        elder.location_verified = False
        elder.notes = None
        elder.refused_contact_reason = blank(elder.refused_contact_reason)
        elder.pseudonymised_at = now
        elder.updated_at = now
        audit.record(
            uow, caller, action="elder.pseudonymise", record_type="elder", record_id=elder.id,
            area_path=elder.grid.path,
            details={"status": elder.status.value, "status_since": elder.status_since.isoformat()},
        )  # fmt: skip
    return len(photos), sum(s for _, s in photos)


def _audit_run(
    uow: UnitOfWork, caller: Caller, outcome: RetentionOutcome, rules: RetentionRules, trigger: str
) -> None:
    audit.record(
        uow,
        caller,
        action="retention.dry_run" if outcome.dry_run else "retention.run",
        record_type="retention",
        record_id=None,
        area_path=ROOT_PATH,
        details={
            **outcome.as_json(),
            "trigger": trigger,
            "years": rules.years,
            "photo_days": rules.photo_days,
        },
    )
