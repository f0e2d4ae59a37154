"""`visitsvc replan` and `visitsvc scheduler run-now evaluate-at-risk`, run as an operator would."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import NOW
from tests.factories import SYSTEM, make_district
from tests.integration.conftest import solves_on
from visitsvc.cli.main import main
from visitsvc.infrastructure import db
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import FixedClock
from visitsvc.kernel.month import Month
from visitsvc.planning.month_plan import plan_month
from visitsvc.planning.route_problems import PlanningSettings

pytestmark = pytest.mark.db


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("VISITSVC_DATABASE_URL", url)
    monkeypatch.setenv("VISITSVC_SECRET_KEY", "s" * 48)
    db.upgrade(url)
    engine = make_engine(url)
    uow = UnitOfWork(session_factory(engine), FixedClock(NOW))
    make_district(uow)
    plan_month(
        uow,
        caller=SYSTEM,
        month=Month(2026, 12),
        executor="serial",
        settings=PlanningSettings(solution_limit=30),
    )
    engine.dispose()
    return CliRunner()


def test_replan_prints_its_outcome_as_json_and_a_second_run_changes_nothing(runner: CliRunner) -> None:
    args = ["replan", "--date", "2026-12-08", "--executor", "serial", "--time-per-worker", "0.2", "--json"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    body = json.loads(first.stdout)
    # Nothing was recorded: a weekly visit missed on 7 December comes back later that week.
    assert (body["month"], body["today"], body["version"], body["created"]) == (
        "2026-12",
        "2026-12-08",
        2,
        True,
    )
    assert body["added"] > 0
    second = json.loads(runner.invoke(main, args).stdout)
    assert (second["version"], second["created"], second["changed"]) == (2, False, 0)


def test_replan_of_a_month_without_a_plan_fails_with_a_message(runner: CliRunner) -> None:
    result = runner.invoke(main, ["replan", "--date", "2027-01-05", "--json"])
    assert result.exit_code == 1
    assert "尚无计划" in result.output


def test_the_at_risk_job_runs_once_per_day(runner: CliRunner) -> None:
    args = ["scheduler", "run-now", "evaluate-at-risk", "--period", str(date(2026, 12, 8)), "--json"]
    first = json.loads(runner.invoke(main, args).stdout)
    assert first["outcome"] == "succeeded"
    assert first["summary"]["evaluated_on"] == "2026-12-08"
    assert first["summary"]["at_risk"] == 3, "each missed the first week's visit: no slot is left for it"
    assert json.loads(runner.invoke(main, args).stdout)["outcome"] == "already_ran"


def test_the_scheduler_run_now_solves_on_the_cluster_its_settings_name(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, dask_cluster: Any
) -> None:
    monkeypatch.setenv("VISITSVC_DASK_SCHEDULER", dask_cluster.scheduler_address)
    before = solves_on(dask_cluster)
    result = runner.invoke(
        main, ["scheduler", "run-now", "replan-nightly", "--period", "2026-12-09", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcome"] == "succeeded"
    assert solves_on(dask_cluster) - before >= 3


def test_a_dask_address_that_is_not_one_is_refused_before_anything_runs(runner: CliRunner) -> None:
    args = ["replan", "--date", "2026-12-08", "--executor", "dask", "--dask-address", "10.0.0.5:8786"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "--dask-address must be tcp://host:port" in result.output
