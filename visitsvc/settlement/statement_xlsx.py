"""A statement as XLSX (结算单): the totals, the visits paid and the visits excluded with their reasons.

Names are masked and no ID number is written; every cell goes through the project's writer
(`infrastructure.spreadsheet.xlsx_row`), so nothing typed by a person can become a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook

from visitsvc.infrastructure.spreadsheet import XLSX_MEDIA_TYPE, add_sheet
from visitsvc.kernel.clock import SHANGHAI
from visitsvc.model import FlagState
from visitsvc.model.labels import FLAG_LABELS, KIND_LABELS, OUTCOME_LABELS
from visitsvc.settlement.statement import Statement, StatementLine

FLAG_STATE_LABELS = {FlagState.OPEN: "待处理", FlagState.ACCEPTED: "已采纳", FlagState.DISMISSED: "已核实"}

SUMMARY_HEADERS = ["合同编号", "合同期", "月度限额", "未遇是否付费", "探访方式", "计费次数", "单价(元)",
                   "金额(元)", "超出限额次数"]  # fmt: skip
LINE_HEADERS = ["探访记录编号", "日期", "开始时间", "老人编号", "老人姓名", "探访人员", "人员类别", "方式",
                "结果", "在场(分钟)", "距离住址(米)", "定位精度(米)", "照片数", "核查标记", "合同编号",
                "单价(元)"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    media_type: str
    content: bytes


def export(statement: Statement) -> Export:
    book = Workbook()
    add_sheet(book, "汇总", SUMMARY_HEADERS, _summary_rows(statement))
    add_sheet(book, "计费探访", LINE_HEADERS, (_line_row(line) for line in statement.delivered))
    add_sheet(
        book, "未计费探访", [*LINE_HEADERS, "不计费原因"],
        ([*_line_row(line), "；".join(r.label for r in line.reasons)] for line in statement.excluded),
    )  # fmt: skip
    del book[book.sheetnames[0]]  # the empty sheet every new workbook starts with
    out = io.BytesIO()
    book.save(out)
    # Ids and the month only: a file name travels in URLs, logs and mail.
    name = f"statement-{statement.organisation_id}-{statement.month}.xlsx"
    return Export(name, XLSX_MEDIA_TYPE, out.getvalue())


def _summary_rows(statement: Statement) -> Iterable[Sequence[object]]:
    yield ["机构", statement.organisation_name, "月份", statement.month, "", "", "", "", ""]
    for total in statement.contracts:
        period = f"{total.first_day.isoformat()} 至 {total.last_day.isoformat()}"
        head = [total.code, period, total.monthly_quota, "是" if total.pays_not_found else "否"]
        for k in total.by_kind:
            yield [*head, KIND_LABELS[k.kind], k.count, k.unit_price, k.amount, ""]
        yield [*head, "小计", total.delivered, "", total.amount, total.beyond_quota]
    yield ["合计", "", "", "", "", len(statement.delivered), "", statement.amount, ""]
    yield ["已记录探访", statement.recorded, "未计费探访", len(statement.excluded), "", "", "", "", ""]
    for reason, count in statement.excluded_by_reason.items():
        yield ["未计费原因", reason.label, count, "", "", "", "", "", ""]


def _line_row(line: StatementLine) -> list[object]:
    flags = "；".join(f"{FLAG_LABELS[f.kind]}（{FLAG_STATE_LABELS[f.state]}）" for f in line.flags)
    return [
        line.visit_id, line.day, line.started_at.astimezone(SHANGHAI).strftime("%H:%M"), line.elder_id,
        line.elder_name, line.worker_name, line.visitor_kind.label if line.visitor_kind else "",
        KIND_LABELS[line.kind], OUTCOME_LABELS[line.outcome], line.minutes_on_site,
        "" if line.distance_m is None else round(line.distance_m),
        "" if line.accuracy_m is None else round(line.accuracy_m), line.photos, flags,
        line.contract_code or "", "" if line.unit_price is None else line.unit_price,
    ]  # fmt: skip
