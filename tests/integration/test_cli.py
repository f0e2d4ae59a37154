"""The operator's commands, run as an operator would: a database URL in the environment, files on disk."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from tests.factories import SYSTEM, id_number, make_district, make_record
from visitsvc.cli.main import main
from visitsvc.infrastructure.spreadsheet import write_csv
from visitsvc.infrastructure.uow import UnitOfWork, make_engine, session_factory
from visitsvc.kernel.clock import SHANGHAI, FixedClock
from visitsvc.kernel.workdays import WorkCalendar
from visitsvc.model import AuditEntry, CalendarDay, Elder, ElderStatus, VisitPhoto
from visitsvc.register import elders, workers
from visitsvc.register.ledger_format import AREA_COLUMNS, ELDER_COLUMNS

pytestmark = pytest.mark.db


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("VISITSVC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("VISITSVC_SECRET_KEY", "s" * 48)
    return CliRunner()


def test_import_areas_then_elders_with_a_json_summary(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    areas = tmp_path / "areas.csv"
    areas.write_bytes(
        write_csv(
            AREA_COLUMNS,
            [
                ["330106", "西湖区", "区县", ""],
                ["330106001", "北山街道", "街道乡镇", "330106"],
                ["330106001001", "保俶社区", "社区村", "330106001"],
                ["330106001001001", "一网格", "网格", "330106001001"],
            ],
        )
    )
    result = runner.invoke(main, ["import", "areas", str(areas), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"created": 4, "updated": 0, "unchanged": 0, "errors": []}

    person = [
        "陈阿婆",
        id_number(male=False),
        "女",
        "1940-05-17",
        "",
        "保俶路8号",
        "",
        "",
        "330106001001001",
        "独居",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    bad = [*person[:1], "110105194912310021", *person[2:]]
    elders = tmp_path / "elders.csv"
    elders.write_bytes(write_csv(ELDER_COLUMNS, [person, bad]))
    failed = runner.invoke(main, ["import", "elders", str(elders), "--json"])
    assert failed.exit_code == 1
    body = json.loads(failed.stdout)
    assert body["created"] == 0
    assert body["errors"][0]["row"] == 3
    assert body["errors"][0]["column"] == "身份证号"

    elders.write_bytes(write_csv(ELDER_COLUMNS, [person]))
    dry = runner.invoke(main, ["import", "elders", str(elders), "--dry-run", "--json"])
    assert json.loads(dry.stdout)["created"] == 1
    done = runner.invoke(main, ["import", "elders", str(elders), "--json"])
    assert json.loads(done.stdout)["created"] == 1
    again = runner.invoke(main, ["import", "elders", str(elders)])
    assert again.exit_code == 0
    assert "未变 1" in again.stderr


def test_a_refused_import_lists_the_bad_cells_on_stderr_and_exits_1(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    areas = tmp_path / "areas.csv"
    areas.write_bytes(
        write_csv(
            AREA_COLUMNS, [["330106", "西湖区", "区县", ""], ["330106001", "北山街道", "乡村", "330106"]]
        )
    )
    failed = runner.invoke(main, ["import", "areas", str(areas)])
    assert failed.exit_code == 1
    assert failed.stdout == ""
    assert failed.stderr.startswith("导入失败：")
    assert "  第 3 行 [层级] " in failed.stderr


def test_set_password_for_an_unknown_account_is_refused_with_the_rule_broken(runner: CliRunner) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["set-password", "nobody", "--password-stdin"], input="long enough pass\n")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "Error: 账号不存在\n")


def test_a_loaded_holiday_notice_sets_the_working_days_of_2027(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    notice = tmp_path / "2027.csv"
    notice.write_bytes(write_csv(("日期", "类型"), [["2027-02-08", "休"], ["2027-02-20", "班"]]))
    result = runner.invoke(main, ["calendar", "load", str(notice)])
    assert result.exit_code == 0, result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(write_csv(("日期", "类型"), [["2027-02-30", "休"], ["2027-03-01", "放"]]))
    failed = runner.invoke(main, ["calendar", "load", str(bad)])
    assert failed.exit_code == 1
    assert "第 2 行 [日期]" in failed.stderr
    assert "第 3 行 [类型]" in failed.stderr
    with session_factory(make_engine(os.environ["VISITSVC_DATABASE_URL"]))() as session:
        loaded = {row.day: row.is_workday for row in session.scalars(select(CalendarDay))}
    calendar = WorkCalendar(loaded)
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.is_workday(date(2027, 2, 20))
    assert calendar.warning() is None


def test_an_unexpected_error_is_told_by_its_type_and_frames_only(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    number, phone = "330106195001020090", "13900001111"

    def leak(uow: UnitOfWork, **_: object) -> None:
        with uow:
            uow.session.execute(text("CREATE TEMP TABLE leak (id_number VARCHAR(18) UNIQUE, phone TEXT)"))
            for _ in range(2):
                uow.session.execute(text("INSERT INTO leak VALUES (:n, :p)"), {"n": number, "p": phone})

    monkeypatch.setattr(workers, "set_password", leak)
    result = runner.invoke(main, ["set-password", "w_a1", "--password-stdin"], input="x\n")
    assert result.exit_code == 1
    assert "意外错误：sqlalchemy.exc.IntegrityError" in result.output
    assert "in leak" in result.output, "the frames, for whoever reads the log"
    assert number not in result.output
    assert phone not in result.output


def test_retention_dry_run_then_run_pseudonymise_who_left_long_ago(runner: CliRunner) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(os.environ["VISITSVC_DATABASE_URL"])
    long_ago = datetime(2020, 3, 2, 10, 0, tzinfo=SHANGHAI)  # over three years before any run of this test
    uow = UnitOfWork(session_factory(engine), FixedClock(long_ago))
    district = make_district(uow)
    gone = district.elders["elder_a1"]
    elders.change_status(
        uow,
        caller=SYSTEM,
        elder_id=gone,
        status=ElderStatus.DECEASED,
        effective=long_ago.date(),
        reason="病故",
    )
    visit = make_record(uow, elder_id=gone, worker_id=district.accounts["w_a1"], day=long_ago.date())
    with uow:
        data = b"\xff\xd8\xff\xe0" + b"\x00" * 2044
        uow.visits.add_all(
            [
                VisitPhoto(
                    visit_id=visit, content_type="image/jpeg", size=len(data), sha256="0" * 64, data=data,
                    created_at=long_ago,
                )
            ]
        )  # fmt: skip
        uow.commit()

    dry = runner.invoke(main, ["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "试运行（未改动）：将匿名化 1 人" in dry.stderr
    assert "将删除照片 1 张（2 KB" in dry.stderr
    assert "王秀英" not in dry.output
    counted = runner.invoke(main, ["retention", "run", "--dry-run", "--json"])
    assert {k: v for k, v in json.loads(counted.stdout).items() if k in ("dry_run", "people", "photos")} == {
        "dry_run": True,
        "people": 1,
        "photos": 1,
    }
    done = runner.invoke(main, ["retention", "run", "--json"])
    assert done.exit_code == 0, done.output
    assert (json.loads(done.stdout)["people"], json.loads(done.stdout)["photos"]) == (1, 1)
    assert done.stderr == ""  # quiet with --json
    again = runner.invoke(main, ["retention", "run"])
    assert "已匿名化 0 人" in again.stderr

    with session_factory(engine)() as session:
        person = session.get_one(Elder, gone)
        assert (person.name, person.phone, person.pseudonymised_at is not None) == (
            f"已匿名-{gone}",
            None,
            True,
        )
        assert session.scalar(select(func.count(VisitPhoto.id))) == 0
        runs = session.scalars(
            select(AuditEntry.action).where(AuditEntry.record_type == "retention").order_by(AuditEntry.id)
        ).all()
    # The photo went with its person (counted in the run's entry): no separate batch of old photos.
    assert runs == ["retention.dry_run", "retention.dry_run", "retention.run", "retention.run"]
    engine.dispose()


def test_retention_leaves_no_trace_of_a_removed_photo_in_the_sqlite_file(runner: CliRunner) -> None:
    """SQLite keeps deleted pages on its free list until they are reused: the bytes must really go."""
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    url = os.environ["VISITSVC_DATABASE_URL"]
    engine = make_engine(url)
    uow = UnitOfWork(session_factory(engine), FixedClock(datetime(2020, 3, 2, 10, 0, tzinfo=SHANGHAI)))
    district = make_district(uow)
    visit = make_record(
        uow, elder_id=district.elders["elder_a1"], worker_id=district.accounts["w_a1"], day=date(2020, 3, 2)
    )
    marker = b"FACE-OF-THE-PERSON-" * 400  # overflow pages, as real photos use
    with uow:
        data = b"\xff\xd8\xff\xe0" + marker
        uow.visits.add_all(
            [
                VisitPhoto(
                    visit_id=visit, content_type="image/jpeg", size=len(data), sha256="0" * 64, data=data,
                    created_at=uow.clock.now(),
                )
            ]
        )  # fmt: skip
        uow.commit()
    done = runner.invoke(main, ["retention", "run", "--json"])
    assert json.loads(done.stdout)["photos"] == 1
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    path = Path(url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"FACE-OF-THE-PERSON-" not in stored
