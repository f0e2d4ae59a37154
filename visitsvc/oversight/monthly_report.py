"""The monthly report offices publish (月度探访统计): coverage by area and category, the missed list with
masked ID numbers, proof-of-visit flags and follow-ups, and who made the visits (by visitor kind and by
organisation), as one XLSX with Chinese headers. Audited.

The figures are the coverage endpoint's (`oversight.read_overview`), read once for all four sheets.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook

from visitsvc.access.scoping import Caller, require_supervisor
from visitsvc.accounts import audit
from visitsvc.infrastructure.spreadsheet import add_sheet
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel import idnumber
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.kernel.month import Month
from visitsvc.model import FlagState, FollowUpStatus
from visitsvc.model.labels import FLAG_LABELS, KIND_LABELS, OUTCOME_LABELS
from visitsvc.oversight import coverage_tables
from visitsvc.oversight.coverage_tables import Figures, MissedRead
from visitsvc.oversight.who_delivers import DeliveryFigures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVERYTHING = 1_000_000

MISSING_LABELS = {
    "capacity": "人手不足",
    "no_working_day": "无可用工作日",
    "unreachable_window": "偏好时段无法到达",
    "no_worker": "网格无网格员",
    "not_home": "不在家",
    "refused": "拒绝探访",
    "unreachable": "电话无人接听",  # also the call after the last empty doorstep
    "missed": "计划日未探访",
    "pending": "尚待探访",
    "not_planned": "未列入计划",
}
NOT_COVERABLE_LABELS = {
    "refused_all_contact": "拒绝一切联系",
    "not_active": "本月不在册",
    "registered_too_late": "登记过晚",
    "left_before_planned": "计划日前已离开",
}
AT_RISK_LABELS = {"no_slot_left": "已无计划时段", "too_few_days": "剩余工作日不足"}
FLAG_STATE_LABELS = {FlagState.OPEN: "待处理", FlagState.ACCEPTED: "已采纳", FlagState.DISMISSED: "已关闭"}
FOLLOW_UP_LABELS = {
    FollowUpStatus.OPEN: "待处理",
    FollowUpStatus.IN_PROGRESS: "处理中",
    FollowUpStatus.CLOSED: "已关闭",
}

COVERAGE_HEADERS = ["分组", "代码", "名称", "应覆盖人数", "已覆盖人数", "覆盖率(%)", "有漏访风险人数",
                    "应上门次数", "上门见到次数", "上门未遇电话探访次数", "未覆盖原因",
                    "不计入覆盖原因"]  # fmt: skip
MISSED_HEADERS = ["老人编号", "姓名", "身份证号", "网格", "类别", "未覆盖原因", "漏访风险", "剩余工作日",
                  "下次计划日期", "下次探访人员", "已尝试次数", "尝试记录"]  # fmt: skip
FLAG_HEADERS = ["标记编号", "探访记录编号", "探访日期", "姓名", "网格", "网格员", "标记类型", "状态",
                "距离住址(米)"]  # fmt: skip
FOLLOW_UP_HEADERS = ["编号", "姓名", "网格", "事项", "紧急", "状态", "说明", "创建时间", "更新时间"]
DELIVERY_HEADERS = ["分组", "代码", "名称", "探访次数", "见到本人次数", "见到人数", "其中已覆盖人数"]


@dataclass(frozen=True, slots=True)
class Report:
    filename: str
    media_type: str
    content: bytes


def monthly_report(uow: UnitOfWork, *, caller: Caller, month: Month | None, area_code: str | None) -> Report:
    require_supervisor(caller)
    month = coverage_tables.month_or_current(uow, month)
    view = coverage_tables.read_overview(
        uow, caller=caller, month=month, area_code=area_code, with_deliveries=True
    )
    table = coverage_tables.table_of(view)
    missed = [coverage_tables.missed_read(p, view) for p in coverage_tables.missed_people(view)]
    with uow:
        scope = uow.areas.scope_within(caller.scope, area_code)
        numbers = {
            i: idnumber.mask(e.id_number) for i, e in uow.elders.by_ids(m.elder_id for m in missed).items()
        }
        flags = uow.review.flags(scope, month=month, state=None, limit=EVERYTHING, after_id=None)
        follow_ups = uow.review.follow_ups(
            scope, statuses=list(FollowUpStatus), month=month, limit=EVERYTHING, after=None
        )
        elders = uow.elders.by_ids({f.elder_id for f, _ in flags} | {f.elder_id for f in follow_ups})
        workers = uow.review.worker_names(r.worker_id for _, r in flags)
        audit.record(
            uow, caller, action="report.monthly", record_type="report", record_id=str(month),
            area_path=scope.home_path,  # the area the report is of: the one named, else the caller's own
            details={"month": str(month), "area": area_code, "missed": len(missed), "flags": len(flags),
                     "follow_ups": len(follow_ups)},
        )  # fmt: skip
        uow.commit()
        flag_rows = [
            [f.id, r.id, r.day.isoformat(), elders[f.elder_id].name, elders[f.elder_id].grid.name,
             workers.get(r.worker_id, ""), FLAG_LABELS[f.kind], FLAG_STATE_LABELS[f.state], r.distance_m]
            for f, r in flags
        ]  # fmt: skip
        follow_up_rows = [
            [f.id, elders[f.elder_id].name, elders[f.elder_id].grid.name, f.kind, "是" if f.urgent else "否",
             FOLLOW_UP_LABELS[f.status], f.note or "", _local(f.created_at), _local(f.updated_at)]
            for f in follow_ups
        ]  # fmt: skip
    book = Workbook()
    add_sheet(book, "覆盖率", COVERAGE_HEADERS, _coverage_rows(table.by_area, table.total, table.by_category))
    add_sheet(book, "未覆盖名单", MISSED_HEADERS, (_missed_row(m, numbers[m.elder_id]) for m in missed))
    add_sheet(book, "核查标记", FLAG_HEADERS, flag_rows)
    add_sheet(book, "跟进事项", FOLLOW_UP_HEADERS, follow_up_rows)
    add_sheet(
        book, "探访人员", DELIVERY_HEADERS, _delivery_rows(table.by_visitor_kind, table.by_organisation)
    )
    del book[book.sheetnames[0]]  # the empty sheet every new workbook starts with
    out = io.BytesIO()
    book.save(out)
    name = f"monthly-{month}{'-' + area_code if area_code else ''}.xlsx"
    return Report(name, XLSX, out.getvalue())


def _coverage_rows(
    by_area: list[Figures], total: Figures, by_category: list[Figures]
) -> Iterable[Sequence[object]]:
    for group, rows in (("区域", by_area), ("合计", [total]), ("类别", by_category)):
        for f in rows:
            yield [
                group, "" if group == "合计" else f.key, f.name, f.coverable, f.covered, f.coverage_pct,
                f.at_risk, f.home_visits["owed"], f.home_visits["at_home"],
                f.home_visits["by_call_after_empty_doorstep"],
                _reasons(f.not_covered_by_reason, MISSING_LABELS),
                _reasons(f.not_coverable_by_reason, NOT_COVERABLE_LABELS),
            ]  # fmt: skip


def _delivery_rows(
    by_kind: list[DeliveryFigures], by_organisation: list[DeliveryFigures]
) -> Iterable[Sequence[object]]:
    for group, rows in (("人员类别", by_kind), ("所属机构", by_organisation)):
        for f in rows:
            yield [group, f.key, f.name, f.visits, f.visited, f.people_visited, f.people_covered]


def _reasons(counts: dict[str, int], labels: dict[str, str]) -> str:
    return "；".join(f"{labels.get(k, k)} {n}" for k, n in counts.items())


def _missed_row(m: MissedRead, id_number: str) -> list[object]:
    attempts = "；".join(
        f"{a.day:%m-%d} {KIND_LABELS[a.kind]} {OUTCOME_LABELS[a.outcome]}" for a in m.attempts
    )
    return [
        m.elder_id, m.name, id_number, m.grid_name, "、".join(c.label for c in m.categories),
        MISSING_LABELS.get(m.reason.value, m.reason.value),
        AT_RISK_LABELS[m.at_risk_reason.value] if m.at_risk_reason else "", m.days_left,
        m.next_planned.isoformat() if m.next_planned else "", m.next_worker.name if m.next_worker else "",
        len(m.attempts), attempts,
    ]  # fmt: skip


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
