"""Key rotation for the encrypted columns (docs/adr/0013).

`rotate` re-seals every value not under the active data key, a batch at a time with a commit per batch, so
it runs while the service does: each row is rewritten by an UPDATE that only matches while the row still
holds the sealed values that were read, so a concurrent edit is never overwritten (that row is read again
in the next pass). The ORM's version counter is left alone: the values did not change, only their sealing,
and an open edit form must not turn stale because of it.

`reindex` recomputes the ID number's blind index under the current index key: an offline step, with the
service stopped, after VISITSVC_INDEX_KEY was changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import RowMapping

from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import crypto
from visitsvc.model.elder import ID_NUMBER

BATCH = 500
MAX_PASSES = 5  # a row that changes under every pass is left for the next run (and reported)

Progress = Callable[[int, int], None]

# The tables as the database holds them: sealed text, not the ORM's decrypted attributes.
_raw = MetaData()
ENCRYPTED: dict[str, tuple[Table, tuple[str, ...]]] = {
    "elders": (
        Table(
            "elders",
            _raw,
            Column("id", Integer, primary_key=True),
            *(Column(c, String) for c in ("id_number", "birth_date", "phone", "emergency_phone")),
            Column("id_number_index", String),
        ),
        ("id_number", "birth_date", "phone", "emergency_phone"),
    ),
    "workers": (
        Table("workers", _raw, Column("id", Integer, primary_key=True), Column("phone", String)),
        ("phone",),
    ),
    "organisations": (
        Table(
            "organisations", _raw, Column("id", Integer, primary_key=True), Column("contact_phone", String)
        ),
        ("contact_phone",),
    ),
}


def _no_progress(_done: int, _total: int) -> None:
    return None


@dataclass(slots=True)
class RotationResult:
    active_key: str
    rewritten: dict[str, int] = field(default_factory=dict)  # rows re-sealed, per table
    left: int = 0  # rows still under an older key (changed meanwhile every time); run again


def _stale(table: Table, columns: tuple[str, ...], prefix: str) -> ColumnElement[bool]:
    return or_(
        *(and_(table.c[c].is_not(None), func.substr(table.c[c], 1, len(prefix)) != prefix) for c in columns)
    )


def rotate(
    make_uow: Callable[[], UnitOfWork], *, batch: int = BATCH, progress: Progress = _no_progress
) -> RotationResult:
    """Re-seal under the active key every value sealed under another one."""
    keyring = crypto.current()
    prefix = f"{crypto.FORMAT}:{keyring.active}:"
    result = RotationResult(keyring.active)
    total = sum(count_stale(make_uow).values())
    done = 0
    for name, (table, columns) in ENCRYPTED.items():
        rewritten = 0
        for _ in range(MAX_PASSES):
            changed_meanwhile = 0
            after = 0
            while True:
                # Read, re-seal with no transaction open, then write: a row edited in between no longer
                # matches its UPDATE and is read again by the next pass.
                with make_uow() as uow:
                    rows = uow.session.execute(
                        select(table.c.id, *(table.c[c] for c in columns))
                        .where(table.c.id > after, _stale(table, columns, prefix))
                        .order_by(table.c.id)
                        .limit(batch)
                    ).all()
                if not rows:
                    break
                resealed = [_reseal_row(keyring, name, columns, row._mapping, prefix) for row in rows]
                with make_uow() as uow:
                    for row, new in zip(rows, resealed, strict=True):
                        matched = uow.session.execute(
                            update(table)
                            .where(table.c.id == row.id, *(_same(table, c, getattr(row, c)) for c in columns))
                            .values(**new)
                        ).rowcount  # type: ignore[attr-defined]
                        rewritten += matched
                        changed_meanwhile += 1 - matched
                    uow.commit()
                after = rows[-1].id
                done += len(rows)
                progress(min(done, total), total)
            if not changed_meanwhile:
                break
        result.rewritten[name] = rewritten
    result.left = sum(count_stale(make_uow).values())
    progress(total, total)
    return result


def _reseal_row(
    keyring: crypto.Keyring, table: str, columns: tuple[str, ...], row: RowMapping, prefix: str
) -> dict[str, str | None]:
    return {c: None if row[c] is None else _reseal(keyring, row[c], f"{table}.{c}", prefix) for c in columns}


def _reseal(keyring: crypto.Keyring, stored: str, context: str, prefix: str) -> str:
    if stored.startswith(prefix):
        return stored
    return keyring.encrypt(keyring.decrypt(stored, context), context)


def _same(table: Table, column: str, value: str | None) -> ColumnElement[bool]:
    return table.c[column].is_(None) if value is None else table.c[column] == value


def count_stale(make_uow: Callable[[], UnitOfWork]) -> dict[str, int]:
    """Rows per table holding a value not sealed under the active key."""
    prefix = f"{crypto.FORMAT}:{crypto.current().active}:"
    counts: dict[str, int] = {}
    with make_uow() as uow:
        for name, (table, columns) in ENCRYPTED.items():
            counts[name] = (
                uow.session.scalar(
                    select(func.count()).select_from(table).where(_stale(table, columns, prefix))
                )
                or 0
            )
    return counts


@dataclass(frozen=True, slots=True)
class KeyUse:
    key_id: str
    values: int  # stored values it seals
    problem: str | None  # why a sample of them does not open (a missing or wrong key); None: they open


def key_usage(make_uow: Callable[[], UnitOfWork]) -> list[KeyUse]:
    """How many stored values each key id seals, and whether the keyring opens them (one sample each): an
    old key may leave once it seals none; after a restore, every key must open."""
    keyring = crypto.current()
    usage: Counter[str] = Counter()
    samples: dict[str, tuple[str, str]] = {}
    with make_uow() as uow:
        for name, (table, columns) in ENCRYPTED.items():
            for row in uow.session.execute(select(*(table.c[c] for c in columns))):
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    kid = crypto.key_id(value)
                    usage[kid] += 1
                    samples.setdefault(kid, (value, f"{name}.{column}"))
    return [KeyUse(kid, count, _problem(keyring, *samples[kid])) for kid, count in sorted(usage.items())]


def _problem(keyring: crypto.Keyring, value: str, context: str) -> str | None:
    try:
        keyring.decrypt(value, context)
    except crypto.CryptoError as exc:
        return str(exc)
    return None


def reindex(
    make_uow: Callable[[], UnitOfWork], *, batch: int = BATCH, progress: Progress = _no_progress
) -> int:
    """Recompute every ID number's blind index under the current index key (offline: docs/adr/0013)."""
    keyring = crypto.current()
    table = ENCRYPTED["elders"][0]
    with make_uow() as uow:
        total = uow.session.scalar(select(func.count()).select_from(table)) or 0
    done = 0
    after = 0
    while True:
        with make_uow() as uow:
            rows = uow.session.execute(
                select(table.c.id, table.c.id_number)
                .where(table.c.id > after)
                .order_by(table.c.id)
                .limit(batch)
            ).all()
            if not rows:
                return done
            for row in rows:
                number = keyring.decrypt(row.id_number, ID_NUMBER)
                uow.session.execute(
                    update(table)
                    .where(table.c.id == row.id)
                    .values(id_number_index=keyring.blind_index(number, ID_NUMBER))
                )
            uow.commit()
            after = rows[-1].id
            done += len(rows)
            progress(done, total)
