"""Overview: the month's coverage of the caller's area (or one of its nodes), its progress against the plan,
and what waits in each queue. The figures are the API's: the same service calls. The month's report
(月度探访统计, XLSX) downloads from here, by the service behind `GET /api/v1/reports/monthly.xlsx`."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue

from api.console.blueprint import blp
from api.console.web import arg, caller, month_arg
from api.downloads import attachment
from api.runtime import runtime, uow
from visitsvc.kernel.errors import NotFound
from visitsvc.kernel.month import Month
from visitsvc.oversight import coverage_tables, monthly_report, progress, queue_counts
from visitsvc.planning import plan_reports


@blp.get("/")
def overview() -> ResponseReturnValue:
    who = caller()
    month = month_arg() or Month.of(runtime().clock.today())
    area = arg("area")
    table = coverage_tables.coverage_table(uow(), caller=who, month=month, area_code=area)
    days = progress.month_progress(uow(), caller=who, month=month, area_code=area)
    waiting = queue_counts.waiting(uow(), caller=who, month=month, area_code=area)
    shortfall: dict[str, Any] | None
    try:
        shortfall = plan_reports.shortfall(uow(), caller=who, month=month, area_code=area)
    except NotFound:  # no plan for the month yet (the area itself was found by coverage_table)
        shortfall = None
    charts = {
        "areas": {
            "labels": [row.name for row in table.by_area],
            "values": [row.coverage_pct for row in table.by_area],
        },
        "categories": {
            "labels": [row.name for row in table.by_category],
            "values": [row.coverage_pct for row in table.by_category],
        },
        "progress": {
            "labels": [d.day.strftime("%m-%d") for d in days.days],
            "planned": [d.planned for d in days.days],
            "visited": [d.visited for d in days.days],
            "attempted": [d.attempted for d in days.days],
        },
    }
    short = None
    if shortfall is not None:
        grids = shortfall["grids"]
        short = {
            "unplanned": sum(g["unplanned"] for g in grids),
            "substituted": sum(g["substituted"] for g in grids),
            "grids_short": sum(1 for g in grids if g["unplanned"]),
            "version": shortfall["version"],
        }
    return render_template(
        "console/overview.html",
        month=month,
        prev_month=month.previous(),
        next_month=month.next(),
        area=area,
        table=table,
        waiting=waiting,
        short=short,
        charts=charts,
    )


@blp.post("/reports/monthly")
def monthly_report_download() -> ResponseReturnValue:
    """A POST like every export here: the report holds (masked) personal data and its reading is audited by
    the service, so it is never a link that a browser prefetches, keeps in its history or logs."""
    report = monthly_report.monthly_report(uow(), caller=caller(), month=month_arg(), area_code=arg("area"))
    return attachment(report)
