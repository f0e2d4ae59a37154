"""What a notification says, and where one told to nobody is filed."""

from __future__ import annotations

from datetime import UTC, datetime

from visitsvc.kernel.month import Month
from visitsvc.model import Area, AreaLevel
from visitsvc.oversight.notifications import kind_label, shared_path, shortfall_text


def grid(name: str, path: str) -> Area:
    return Area(code=path, name=name, level=AreaLevel.GRID, path=path, created_at=datetime.now(UTC))


def test_each_urgent_kind_has_its_words_and_an_unknown_one_still_reads_as_urgent() -> None:
    assert kind_label("urgent:safety") == "安全隐患（紧急）"
    assert kind_label("urgent:daily_care") == "生活照料（紧急）"
    assert kind_label("not_found_last_chance") == "末次上门未遇且电话未接通：请立即联系紧急联系人"
    assert kind_label("urgent:something_new") == "探访发现（紧急）"
    assert kind_label("whatever") == "紧急事项"


def test_a_shortfall_names_grids_counts_and_reasons_only() -> None:
    text = shortfall_text(
        Month(2027, 1),
        [(grid("一网格", "/1/2/3/"), "capacity", 4), (grid("二网格", "/1/2/4/"), "no_working_day", 1)],
    )
    assert text == (
        "【计划缺口】2027年1月探访计划有 5 次探访未能排入：\n"
        "一网格 4 次（工时不足）\n二网格 1 次（无工作日）\n"
        "请在督导台查看：/console/plans?month=2027-01\n"
        "应对措施：/console/plans/options?month=2027-01"
    )


def test_a_shortfall_without_a_grid_short_of_hours_points_to_no_options() -> None:
    text = shortfall_text(Month(2027, 1), [(grid("二网格", "/1/2/4/"), "no_working_day", 1)])
    assert "/console/plans/options" not in text


def test_one_told_to_nobody_is_filed_under_the_area_its_grids_share() -> None:
    assert shared_path(["/1/4/17/", "/1/4/18/"]) == "/1/4/"
    assert shared_path(["/1/4/17/"]) == "/1/4/17/"
    assert shared_path(["/1/4/17/", "/1/5/20/"]) == "/1/"
    assert shared_path(["/1/", "/2/"]) == "/"
