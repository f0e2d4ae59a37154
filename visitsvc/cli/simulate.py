"""`visitsvc simulate`: a month played day by day on a copy of the register, the proof of the visit rate."""

from __future__ import annotations

from collections.abc import Callable

import click

from visitsvc.cli.output import refusals, report
from visitsvc.cli.wiring import progress_bar, settings
from visitsvc.kernel.month import Month
from visitsvc.planning.remedies import APPLICABLE
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.simulation import play as simulation
from visitsvc.simulation.draws import Rates
from visitsvc.simulation.field import SimulationDefect
from visitsvc.simulation.play import SimulationSettings
from visitsvc.simulation.register_copy import CopyError
from visitsvc.simulation.report import describe

DEFAULT_RATES = Rates()


def _rate(name: str, default: float, text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(name, type=float, default=default, show_default=True, help=text)


@click.command("simulate")
@click.option("--month", "month_text", required=True, help="YYYY-MM")
@click.option("--seed", "random_seed", type=int, default=1, show_default=True, help="Same seed, same month.")
@_rate("--not-home", DEFAULT_RATES.not_home, "Chance nobody is at home at an unannounced home visit.")
@_rate(
    "--not-home-agreed", DEFAULT_RATES.not_home_agreed, "Chance nobody is at home at an agreed time (预约)."
)
@_rate(
    "--answer", DEFAULT_RATES.answer, "Chance a call is answered (phone visit, call ahead, call at the door)."
)
@_rate(
    "--call-ahead",
    DEFAULT_RATES.call_ahead,
    "Share of the next working day's unbooked home visits called ahead.",
)
@_rate(
    "--other-day",
    DEFAULT_RATES.other_day,
    "Share of people reached ahead who name another day of the window.",
)
@_rate("--sick", DEFAULT_RATES.sick, "Chance a worker reports sick on a working-day morning.")
@_rate("--new", DEFAULT_RATES.new, "Share of the register newly registered over the month.")
@_rate("--hospital", DEFAULT_RATES.hospital, "Chance a visit finds the person in hospital.")
@_rate("--refused", DEFAULT_RATES.refused, "Chance a home visit is refused at the door.")
@click.option("--demo", is_flag=True, help="On a newly seeded demo district, not a copy of the register.")
@click.option("--keep", help="Keep the copy: a file for SQLite, a database name for PostgreSQL.")
@click.option(
    "--solutions",
    type=int,
    help="Guided local search to this many solutions per solve (default: production's search, ADR 0023).",
)
@click.option(
    "--remedies",
    help="Options of planning day applied once the month is planned, comma-separated: reach,calls,hours.",
)
@click.option("--json", "as_json", is_flag=True)
def simulate_command(
    month_text: str,
    random_seed: int,
    not_home: float,
    not_home_agreed: float,
    answer: float,
    call_ahead: float,
    other_day: float,
    sick: float,
    new: float,
    hospital: float,
    refused: float,
    demo: bool,
    keep: str | None,
    solutions: int | None,
    remedies: str | None,
    as_json: bool,
) -> None:
    """Play a month day by day through the services, on a copy of the register (never the register itself):
    the proof of the monthly visit rate."""
    try:
        month = Month.parse(month_text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    rates = Rates(
        not_home=not_home, not_home_agreed=not_home_agreed, answer=answer, call_ahead=call_ahead,
        other_day=other_day, sick=sick, new=new, hospital=hospital, refused=refused,
    )  # fmt: skip
    if rates.errors():
        raise click.BadParameter("rates must be between 0 and 1: " + ", ".join(rates.errors()))
    if solutions is not None and solutions < 1:
        raise click.BadParameter("at least 1", param_hint="--solutions")
    chosen_remedies = tuple(r.strip() for r in (remedies or "").split(",") if r.strip())
    unknown = sorted(set(chosen_remedies) - APPLICABLE)
    if unknown:
        raise click.BadParameter(f"not one of {', '.join(sorted(APPLICABLE))}: {', '.join(unknown)}")
    chosen = SimulationSettings(
        month, random_seed, rates, PlanningSettings(solution_limit=solutions), executor="process",
        remedies=chosen_remedies,
    )  # fmt: skip
    with (
        refusals(also=(CopyError, SimulationDefect)),
        progress_bar(f"模拟 {month}", quiet=as_json) as progress,
    ):
        played = simulation.run(
            chosen,
            source_url=None if demo else settings().database_url,
            keep=keep,
            progress=progress,
        )
    report(played.as_json(), describe(played), as_json=as_json)
