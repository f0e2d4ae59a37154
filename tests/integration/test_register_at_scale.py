"""What keeps a county's register fast on PostgreSQL (issue 18): a scoped read finds its areas as one index
range on the path, a bulk import leaves the planner statistics of what it wrote, and migration 0014, which
builds that index, goes down and up again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from tests.conftest import DEFAULT_PG_URL, backend
from tests.factories import District, id_number, make_district
from visitsvc.access.scoping import Caller, Scope
from visitsvc.infrastructure import db
from visitsvc.infrastructure.spreadsheet import Table
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.model import Elder
from visitsvc.register import ledger_import
from visitsvc.register.ledger_format import ELDER_COLUMNS, LedgerKind

postgresql_only = pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL's planner")


@pytest.fixture
def district(uow: UnitOfWork) -> District:
    return make_district(uow)


def plan_of(uow: UnitOfWork, scope: Scope) -> str:
    """The plan of a scoped page of the register, with sequential scans priced out so that the tiny test
    tables cannot hide which indexes the query can use."""
    page = select(Elder.id).where(scope.elder_clause()).order_by(Elder.id).limit(51)
    connection = uow.session.connection()
    compiled = page.compile(dialect=connection.dialect)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars()
    return "\n".join(rows)


@postgresql_only
def test_a_scoped_page_finds_its_areas_as_one_index_range_on_the_path(
    uow: UnitOfWork, district: District
) -> None:
    with uow:
        street = uow.areas.get_by_code(Scope.everything(), district.codes["street_a"])
        plan = plan_of(uow, Scope((street.path,)))
    # text_pattern_ops turns the prefix into a range (~>=~, ~<~) under any collation; a plain index only
    # under C, and the test server's is C.UTF-8.
    assert "ix_areas_path" in plan, plan
    assert "~>=~" in plan, plan


def elder_rows(district: District, count: int) -> Table:
    """`count` valid rows of the 台账, each a new person in grid A1."""
    grid = district.codes["grid_a1"]
    cells = {
        "姓名": "陈阿婆", "性别": "女", "出生日期": "1940-05-17", "居住地址": "保俶路8号", "所属网格": grid,
        "类别": "独居",
    }  # fmt: skip
    rows = [
        {h: cells.get(h, "") for h in ELDER_COLUMNS} | {"身份证号": id_number(male=False)}
        for _ in range(count)
    ]
    return Table(list(ELDER_COLUMNS), list(enumerate(rows, start=2)))


@postgresql_only
def test_a_bulk_import_writes_the_planner_statistics_with_its_rows(
    uow: UnitOfWork, district: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ledger_import, "BULK", 3)  # a bulk import in miniature
    with uow:  # as if the table had never been analyzed (the test transaction puts them back)
        uow.session.execute(text("DELETE FROM pg_statistic WHERE starelid = 'elders'::regclass"))
        uow.commit()
    result = ledger_import.import_table(
        uow, caller=Caller.system(), kind=LedgerKind.ELDERS, table=elder_rows(district, 3)
    )
    assert result.created == 3
    with uow:
        analyzed = uow.session.scalar(text("SELECT count(*) FROM pg_stats WHERE tablename = 'elders'"))
    assert analyzed > 0


@postgresql_only
def test_a_small_import_leaves_the_statistics_to_autovacuum(uow: UnitOfWork, district: District) -> None:
    with uow:
        uow.session.execute(text("DELETE FROM pg_statistic WHERE starelid = 'elders'::regclass"))
        uow.commit()
    ledger_import.import_table(
        uow, caller=Caller.system(), kind=LedgerKind.ELDERS, table=elder_rows(district, 3)
    )
    with uow:
        assert uow.session.scalar(text("SELECT count(*) FROM pg_stats WHERE tablename = 'elders'")) == 0


def test_migration_0014_goes_down_and_up_again(tmp_path: Path) -> None:
    def path_index(url: str) -> str:
        engine = create_engine(url)
        with engine.connect() as connection:
            if backend() == "sqlite":
                found = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'ix_areas_path'"
                ).scalar()
            else:
                found = connection.exec_driver_sql(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_areas_path'"
                ).scalar()
        engine.dispose()
        return str(found)

    def round_trip(url: str) -> None:
        db.upgrade(url)
        head = path_index(url)
        db.downgrade(url, "-1")
        before = path_index(url)
        db.upgrade(url)
        assert path_index(url) == head
        if backend() == "postgresql":
            assert "text_pattern_ops" in head
            assert "text_pattern_ops" not in before
        else:
            assert head == before  # SQLite keeps its plain index

    if backend() == "sqlite":
        round_trip(f"sqlite:///{tmp_path / 'migrations.db'}")
        return
    with db.throwaway_database(os.environ.get("VISITSVC_TEST_PG_URL", DEFAULT_PG_URL), "visitsvc_mig") as url:
        round_trip(url)
