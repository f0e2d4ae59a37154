"""Redact what older code wrote in clear: audit details and the error text of failed job runs.

Audit entries written before `kernel.masking` existed hold full birth dates (elder.create/update/transfer,
from the API and the 台账 import) and, before the encryption at rest, full worker phones (worker.create/
update); an older database may hold full ID numbers and elders' phones too. The read path masks them, but the
bytes stayed in the file. Every entry's details are rewritten here with the rule masking.py had when this
was written (idempotent: what is masked already stays as it is), in batches of 500 rows, a row only when
something changed.

The rule is copied in rather than imported: a migration is history, and what 0009 did to a database must not
change when masking.py changes later (a new rule needs a new migration, which then also knows what 0009
left). The copy goes slightly further than `redact_details`: it masks the sensitive keys at any depth, not
only at the top level and in `changes`; on every shape the code ever wrote the two agree.

Failed job runs written before `visitsvc.infrastructure.tracebacks` kept the exception's text (`str(exc)` and
`traceback.format_exc`), and a database error's text repeats the statement's parameters and the offending
key (`[parameters: (...)]`, `DETAIL: Key (id_number)=(...)`). They are rewritten to the exception types and
stack frames only, as the scheduler writes them now (a run it already wrote that way stays as it is).

On SQLite, `db.upgrade` then runs VACUUM and checkpoints the WAL, as after 0007, so the old bytes
stay neither in free pages nor in the log. On PostgreSQL the old row versions stay in the data files until
their space is reused; `VACUUM FULL audit_log, job_runs` rewrites both tables (a dump never holds dead rows).

Downgrade: nothing. A redaction cannot be undone; the schema is the same at 0008.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500

# -- audit details: masking.py's rule as of this revision -------------------------------------------------

ID_NUMBER_KEYS = frozenset({"id_number"})
PHONE_KEYS = frozenset({"phone", "emergency_phone"})
BIRTH_DATE_KEYS = frozenset({"birth_date"})
SENSITIVE_KEYS = ID_NUMBER_KEYS | PHONE_KEYS | BIRTH_DATE_KEYS
_YEAR = re.compile(r"^\d{4}")


def mask_id_number(value: str) -> str:
    """The region and the last four characters (idnumber.mask): 330106********123X."""
    return "*" * len(value) if len(value) < 10 else value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678, 0571-****6666 (phone.mask_phone)."""
    if "-" in value:
        code, number = value.split("-", 1)
        return f"{code}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    return "*" * len(value) if len(value) <= 7 else value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_birth_date(value: str) -> str:
    """1940-05-17 -> 1940-**-** (masking.mask_birth_date)."""
    year = _YEAR.match(value)
    return f"{year.group(0)}-**-**" if year else "*" * len(value)


def _mask_value(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, list):  # changes: {key: [old, new]}
        return [_mask_value(key, v) for v in value]
    if isinstance(value, dict):
        return redact(value)
    text = str(value)
    if key in ID_NUMBER_KEYS:
        return mask_id_number(text)
    if key in PHONE_KEYS:
        return mask_phone(text)
    return mask_birth_date(text)


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        return redact(value)
    if isinstance(value, list):
        return [_walk(v) for v in value]
    return value


def redact(details: dict[str, Any]) -> dict[str, Any]:
    """The same shape, with every ID number, phone and birth date masked wherever its key appears."""
    return {k: _mask_value(k, v) if k in SENSITIVE_KEYS else _walk(v) for k, v in details.items()}


# -- failed job runs: type and frames only (infrastructure.tracebacks as of this revision) ---------

WITHHELD = "(message withheld: it may hold personal data)"
UNKNOWN = "(unknown)"
_FRAME = re.compile(r'^  File "[^"\n]*", line \d+, in [^\s]+$')
_CARETS = re.compile(r"^ +[\^~]+$")
_TYPE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_DIGITS = re.compile(r"\d{5}")  # no type name has these; a number in a message line taken for one does
_START = "Traceback (most recent call last):"
_CHAIN = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)


def _type_of(header: str) -> str:
    name = header.split(":", 1)[0].strip()
    return name if _TYPE.match(name) and not _DIGITS.search(name) else UNKNOWN


def safe_trace(trace: str) -> tuple[str, str]:
    """`traceback.format_exc()` text -> (its frames with every message replaced by the exception's type,
    the type of the last exception). A line is kept only when it is a frame's location, the source line after
    it, its carets or the traceback's own wording; everything else is a message and goes."""
    out: list[str] = []
    last = UNKNOWN
    state = "message"  # message | frames | source
    for line in trace.splitlines():
        if not line:
            continue  # the blank lines around "The above exception ..." are the traceback's own
        if line in _CHAIN:
            out.extend(("", line, ""))
            state = "message"  # until its "Traceback" line
        elif line == _START:
            out.append(line)
            state = "frames"
        elif state in ("frames", "source") and _FRAME.match(line):
            out.append(line)
            state = "source"
        elif state == "source" and (line.startswith("    ") or _CARETS.match(line)):
            out.append(line)
        elif state in ("frames", "source"):  # the exception's header line: `module.Type: message`
            last = _type_of(line)
            out.append(f"{last} {WITHHELD}")
            state = "message"
    return "\n".join(out) + "\n", last


def redact_failed_run(summary: dict[str, Any]) -> dict[str, Any]:
    """A failed run's summary with the error's text gone; one the scheduler wrote as it does now (the trace's
    last line is `error` itself, with the withheld note unless it is one of our own errors) stays as it is."""
    trace, error = summary.get("trace"), summary.get("error")
    if not isinstance(trace, str):
        return summary if error is None else {**summary, "error": UNKNOWN}
    lines = trace.rstrip("\n").splitlines()
    if isinstance(error, str) and lines and lines[-1] in (error, f"{error} {WITHHELD}"):
        return summary
    clean, last = safe_trace(trace)
    return {**summary, "error": last, "trace": clean}


# -- the rewrite ------------------------------------------------------------------------------------------


def _rewrite(
    table: str, column: str, change: Callable[[dict[str, Any]], dict[str, Any]], *, failed_only: bool = False
) -> None:
    """Rewrite the JSON `column` of every row of `table` (job runs: the failed ones) through `change`, batch
    by batch, a row only when its value changed."""
    bind = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer()), sa.column(column, sa.JSON()), sa.column("outcome"))
    write = (
        sa.update(t)
        .where(t.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam("value", type_=sa.JSON())})
    )
    last = 0
    while True:
        query = sa.select(t.c.id, t.c[column]).where(t.c.id > last).order_by(t.c.id).limit(BATCH)
        if failed_only:
            query = query.where(t.c.outcome == "failed")
        rows = bind.execute(query).all()
        if not rows:
            return
        changed = [
            {"row_id": row_id, "value": new}
            for row_id, value in rows
            if isinstance(value, dict) and (new := change(value)) != value
        ]
        if changed:
            bind.execute(write, changed)
        last = rows[-1][0]


def upgrade() -> None:
    _rewrite("audit_log", "details", redact)
    _rewrite("job_runs", "summary", redact_failed_run, failed_only=True)
    config = op.get_context().config
    if (
        config is not None
    ):  # visitsvc.infrastructure.db.upgrade vacuums SQLite once the transaction is committed
        config.attributes["vacuum_sqlite"] = True


def downgrade() -> None:
    """Nothing: the full values are gone, and the schema at 0008 is the same."""
