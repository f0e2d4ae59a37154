"""`visitsvc keys ...`: the data keys of the encrypted columns (docs/adr/0013)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from visitsvc.cli.output import refusals, report
from visitsvc.cli.wiring import progress_bar, settings
from visitsvc.config import Settings
from visitsvc.infrastructure import key_rotation
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel import crypto


def _units(cfg: Settings) -> Callable[[], UnitOfWork]:
    """A unit of work per batch: a rotation commits batch by batch, so it is safe while the service runs."""
    sessions = session_factory(make_engine(cfg.database_url))
    return lambda: UnitOfWork(sessions)


@click.group("keys")
def keys_group() -> None:
    """Encryption keys of ID numbers, birth dates and phones (VISITSVC_DATA_KEYS, VISITSVC_INDEX_KEY)."""


@keys_group.command("generate")
@click.option("--id", "key_id", help="Print it as `<id>:<key>`, ready to put first in VISITSVC_DATA_KEYS.")
def generate(key_id: str | None) -> None:
    """Print a new random 32-byte key (base64)."""
    if key_id is not None and not crypto.KEY_ID.match(key_id):
        raise click.BadParameter("letters, digits, _ or -, at most 16", param_hint="--id")
    key = crypto.generate_key()
    click.echo(f"{key_id}:{key}" if key_id else key)


@keys_group.command("status")
@click.option("--json", "as_json", is_flag=True)
def status(as_json: bool) -> None:
    """How many stored values each data key seals, and whether the keys open them (exit 1 when not).

    A key may leave VISITSVC_DATA_KEYS once it seals none; after a restore, run this first.
    """
    cfg = settings()
    usage = key_rotation.key_usage(_units(cfg))
    active = crypto.current().active
    body = {
        "active_key": active,
        "values_by_key": {u.key_id: u.values for u in usage},
        "problems": {u.key_id: u.problem for u in usage if u.problem},
    }
    text = [f"active key: {active}"] + [
        f"  {u.key_id}: {u.values} values" + (f" - {u.problem}" if u.problem else ", open") for u in usage
    ]
    report(body, text, as_json=as_json)
    if any(u.problem for u in usage):
        sys.exit(1)


@keys_group.command("rotate")
@click.option("--batch", type=click.IntRange(1, 10_000), default=key_rotation.BATCH, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON summary on stdout, no progress.")
def rotate(batch: int, as_json: bool) -> None:
    """Re-encrypt, under the active (first) data key, every value sealed under another one.

    Safe while the service runs (one commit per batch; concurrent edits are never overwritten). Put the new
    key first in VISITSVC_DATA_KEYS of the service too before running it.
    """
    cfg = settings()
    with refusals(also=(crypto.CryptoError,)), progress_bar("重新加密", quiet=as_json) as progress:
        result = key_rotation.rotate(_units(cfg), batch=batch, progress=progress)
    summary = {"active_key": result.active_key, "rewritten": result.rewritten, "left": result.left}
    text = f"re-encrypted under {result.active_key}: " + ", ".join(
        f"{n} {table}" for table, n in result.rewritten.items()
    )
    report(summary, [text], as_json=as_json, text_to_stderr=True)
    if result.left:
        click.echo(
            f"{result.left} rows changed meanwhile and are still under an older key: run again", err=True
        )
        sys.exit(1)


@keys_group.command("reindex")
@click.option("--json", "as_json", is_flag=True)
def reindex(as_json: bool) -> None:
    """Recompute the ID numbers' blind index under VISITSVC_INDEX_KEY. Offline: stop the service first."""
    cfg = settings()
    with refusals(also=(crypto.CryptoError,)), progress_bar("重建索引", quiet=as_json) as progress:
        count = key_rotation.reindex(_units(cfg), progress=progress)
    report({"reindexed": count}, [f"reindexed {count} ID numbers"], as_json=as_json)
