"""`visitsvc simulate`: a small district's month played end to end through the real services, on a copy of
its database, on SQLite and PostgreSQL.

One live register is built; the month is simulated twice on copies with the same seed (once through the
command line); the first copy is kept to be recounted by hand.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, inspect, make_url, text

from tests.conftest import DEFAULT_PG_URL, backend
from tests.factories import SYSTEM, elder_data, make_district
from tests.partner_factories import make_contract, make_organisation, make_pairing, make_visitor
from visitsvc.cli.main import main
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.month import Month
from visitsvc.model import Category, VisitorKind, Willingness
from visitsvc.planning.route_problems import PlanningSettings
from visitsvc.register import elders
from visitsvc.simulation.draws import Rates
from visitsvc.simulation.play import SimulationSettings, run
from visitsvc.simulation.report import Report

pytestmark = [pytest.mark.db, pytest.mark.slow]

MONTH = Month(2026, 12)
# Rough on purpose: a tiny district must meet every kind of trouble within one month.
RATES = Rates(not_home=0.3, sick=0.05, new=0.1, hospital=0.03, refused=0.08)
SETTINGS = SimulationSettings(MONTH, seed=3, rates=RATES, planning=PlanningSettings(solution_limit=20))


@dataclass(frozen=True)
class Simulated:
    live_url: str
    counts_before: dict[str, int]
    counts_after: dict[str, int]
    report: Report
    again: dict[str, Any]  # the same seed once more, through `visitsvc simulate --json`
    kept: Engine  # the first run's copy


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
        return
    with db.throwaway_database(
        os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_live"
    ) as url:
        yield url


def build_register(url: str) -> None:
    """Three grids of ten people near one another: mostly monthly visits, two weekly (living alone, 86),
    one by phone only. Registered on 20 November; December is not planned yet. A social-work station's
    social worker visits four of grid A1's people under a contract of three visits a month, and a volunteer
    (Wednesdays and Saturdays, an hour a day) two more (issue 19)."""
    db.upgrade(url)
    engine = make_engine(url)
    uow = UnitOfWork(session_factory(engine), FixedClock(datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)))
    district = make_district(uow)
    people: list[int] = []
    for g, grid in enumerate(("grid_a1", "grid_a2", "grid_b1")):
        for i in range(9):
            monthly = {"categories": frozenset({Category.EMPTY_NEST}), "birth_date": date(1950, 3, 1 + i)}
            data = elder_data(
                district.codes[grid],
                lon=120.12 + 0.01 * g + 0.0011 * i,
                lat=30.28 + 0.0007 * (i % 4),
                **(monthly if i > 0 else {}),
            )
            if g == 2 and i == 5:
                data = replace(data, willingness=Willingness.PHONE_ONLY)
            people.append(elders.create_elder(uow, caller=SYSTEM, data=data).id)
    station = make_organisation(uow, area_codes=(district.codes["street_a"],))
    contract = make_contract(
        uow, station, area_code=district.codes["street_a"], first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31), quota=3,
    )  # fmt: skip
    street_a = district.codes["street_a"]
    social_worker = make_visitor(
        uow, "sim_sg", organisation_id=station, area_code=street_a, start=(120.12, 30.28)
    )
    volunteer = make_visitor(
        uow, "sim_zy", organisation_id=station, area_code=street_a, kind=VisitorKind.VOLUNTEER, weekdays="36",
        minutes_per_day=60, start=(120.125, 30.28),
    )  # fmt: skip
    for person in people[1:5]:
        make_pairing(uow, person, visitor_id=social_worker, contract_id=contract, first_day=date(2026, 11, 1))
    for person in people[5:7]:
        make_pairing(uow, person, visitor_id=volunteer, first_day=date(2026, 11, 1))
    engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}  # noqa: S608
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def simulated(live_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulated]:
    build_register(live_url)
    before = row_counts(live_url)
    keep = (
        str(tmp_path_factory.mktemp("kept") / "copy.db")
        if backend() == "sqlite"
        else f"visitsvc_simkept_{os.getpid()}"
    )
    report = run(SETTINGS, source_url=live_url, keep=keep)
    result = CliRunner().invoke(
        main,
        ["simulate", "--month", str(MONTH), "--seed", "3", "--not-home", "0.3", "--sick", "0.05",
         "--new", str(RATES.new), "--hospital", "0.03", "--refused", "0.08", "--solutions", "20", "--json"],
        env={"VISITSVC_DATABASE_URL": live_url},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    if backend() == "sqlite":
        kept = make_engine(f"sqlite:///{keep}")
    else:
        kept = make_engine(make_url(live_url).set(database=keep).render_as_string(hide_password=False))
    yield Simulated(live_url, before, row_counts(live_url), report, json.loads(result.output), kept)
    kept.dispose()
    if backend() != "sqlite":
        admin = make_engine(live_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{keep}" WITH (FORCE)'))
        admin.dispose()


def test_the_report_has_the_promised_shape(simulated: Simulated) -> None:
    data = simulated.report.as_json()
    assert list(data) == [
        "month", "coverable", "covered", "coverage_pct", "not_covered", "not_coverable", "home_visits",
        "shortfall_on_planning_day", "replan_seconds", "travel_hours", "calls_ahead", "guard_hit", "remedies",
        "handed_back", "by_visitors",
    ]  # fmt: skip
    assert data["remedies"] == []
    assert data["guard_hit"] == [], "solution-limited solves of a small district end long before their guard"
    assert data["month"] == "2026-12"
    assert 30 <= data["coverable"] <= 40
    assert data["covered"] + len(data["not_covered"]) == data["coverable"]
    assert data["coverage_pct"] == round(100 * data["covered"] / data["coverable"], 2)
    assert all(
        set(m) == {"elder_id", "grid", "reason", "tries", "allowed_days", "explained"}
        for m in data["not_covered"]
    )
    home = data["home_visits"]
    assert set(home) == {"owed", "at_home", "by_call_after_empty_doorstep"}
    assert home["at_home"] + home["by_call_after_empty_doorstep"] <= home["owed"]
    assert set(data["replan_seconds"]) == {"p50", "max"}
    assert data["replan_seconds"]["p50"] <= data["replan_seconds"]["max"]
    assert data["travel_hours"] > 0


def test_the_same_seed_plays_the_same_month(simulated: Simulated) -> None:
    first, again = simulated.report.as_json(), dict(simulated.again)
    del first["replan_seconds"], again["replan_seconds"]
    assert first == again


def test_the_live_register_is_never_written(simulated: Simulated) -> None:
    assert simulated.counts_after == simulated.counts_before
    assert simulated.counts_before["visit_records"] == 0
    assert simulated.counts_before["plan_versions"] == 0


def test_disruptions_happened_and_were_recovered(simulated: Simulated) -> None:
    events = simulated.report.events
    assert events.sick_days > 0
    assert events.registrations > 0
    assert events.follow_on_calls > 0
    assert events.calls_ahead == events.appointments + events.calls_ahead_unanswered > 0
    assert events.appointments_on_another_day > 0
    assert events.replans >= MONTH.last.day  # every night, and every sick morning
    with simulated.kept.connect() as conn:
        records = conn.execute(
            text("SELECT elder_id, day, outcome FROM visit_records WHERE kind = 'home' ORDER BY day, id")
        ).all()
        sick = conn.execute(text("SELECT count(*) FROM absences WHERE kind = 'sick'")).scalar_one()
    assert sick == events.sick_days
    first_not_home: dict[int, date] = {}
    found_later = set()
    for elder_id, day, outcome in records:
        if outcome == "not_home":
            first_not_home.setdefault(elder_id, day)
        elif outcome == "visited" and elder_id in first_not_home and day > first_not_home[elder_id]:
            found_later.add(elder_id)
    assert found_later, "somebody not at home was visited again on a later day"


def test_coverage_is_a_recount_of_the_stored_records(simulated: Simulated) -> None:
    """People owed only the monthly visit, counted by hand from what is stored: covered when a counted
    `visited` record of the owed kind exists (a phone call settles a home visit only when the plan made it a
    phone visit, or as the fallback after a refusal at the door)."""
    with simulated.kept.connect() as conn:
        obligations = defaultdict(set)
        substituted = set()
        for elder_id, obligation, is_substituted in conn.execute(
            text("SELECT elder_id, obligation, substituted FROM planned_visits")
        ):
            obligations[elder_id].add(obligation)
            if is_substituted:
                substituted.add(elder_id)
        for elder_id, obligation in conn.execute(text("SELECT elder_id, obligation FROM unplanned_visits")):
            obligations[elder_id].add(obligation)
        willing = dict(conn.execute(text("SELECT id, willingness FROM elders")).all())
        changes = text("SELECT elder_id FROM elder_status_changes WHERE from_status IS NOT NULL")
        changed = set(conn.execute(changes).scalars())
        records = conn.execute(
            text(
                "SELECT elder_id, kind, outcome FROM visit_records "
                "WHERE month = '2026-12' AND state = 'counted' AND voided_at IS NULL ORDER BY day, started_at"
            )
        ).all()
    monthly = {e for e, keys in obligations.items() if keys == {"month"} and e not in changed}
    covered = set()
    refused = set()
    for elder_id, kind, outcome in records:
        if outcome == "refused":
            refused.add(elder_id)
        if outcome != "visited":
            continue
        by_phone_is_enough = willing[elder_id] != "home" or elder_id in substituted or elder_id in refused
        if kind == "home" or by_phone_is_enough:
            covered.add(elder_id)
    missed = {m["elder_id"] for m in simulated.report.not_covered}
    assert len(monthly) >= 20
    assert monthly & covered, "most monthly people were visited"
    assert not (monthly & covered & missed), "a person with a settling visit is reported missed"
    assert monthly - covered <= missed, "a monthly person with no settling visit is reported covered"


def test_the_visitors_phones_play_their_routes_and_the_report_names_what_came_back(
    simulated: Simulated,
) -> None:
    data = simulated.report.as_json()
    # Six people paired, one visit each owed: the contract pays three, the rest come back to grid A1's worker.
    assert data["handed_back"].get("quota") == 1
    assert sum(data["handed_back"].values()) >= 1
    assert sum(data["by_visitors"].values()) >= 5
    with simulated.kept.connect() as conn:
        made_by = conn.execute(
            text(
                "SELECT w.account, count(*) FROM visit_records r JOIN workers w ON w.id = r.worker_id "
                "WHERE w.account IN ('sim_sg', 'sim_zy') GROUP BY w.account"
            )
        ).all()
    assert {account for account, _ in made_by} == {"sim_sg", "sim_zy"}
