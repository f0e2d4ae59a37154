"""Chinese names of the codes that services return, for display only (Jinja filter `label`)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from flask import Flask

from visitsvc.kernel.clock import SHANGHAI
from visitsvc.model.enums import LabelledEnum

LABELS: dict[str, str] = {
    # why a coverable person is not yet covered (visitsvc.planning.coverage.Missing)
    "capacity": "工时不足",
    "no_working_day": "无工作日",
    "unreachable_window": "时段无法安排",
    "no_worker": "无网格员",
    # why a paired person's visit came back to the grid's worker (visitsvc.planning.pairings.HandBack)
    "visitor_capacity": "探访人员工时不足",
    "visitor_absent": "探访人员请假",
    "visitor_no_day": "探访人员无工作日",
    "quota": "合同额度已满",
    "no_visitor": "无在岗探访人员",
    "not_home": "未遇到",
    "refused": "拒绝探访",
    "unreachable": "电话未接通",
    "missed": "过期未探访",
    "pending": "待探访",
    "not_planned": "未排入计划",
    # at risk
    "no_slot_left": "已无计划日期",
    "too_few_days": "剩余工作日不足",
    # not coverable
    "refused_all_contact": "拒绝一切联系",
    "not_active": "本月不在册",
    "registered_too_late": "登记过晚",
    "left_before_planned": "计划前已离开",
    # visit kinds and outcomes, a stop's status
    "home": "上门探视",
    "phone": "通讯探访",
    "visited": "已探访",
    "done": "已完成",
    "hospitalized": "住院",
    "deceased": "去世",
    "moved_out": "迁出",
    "withdrawn": "退出",
    "active": "在册",
    # follow-ups, flags, proposals, records
    "open": "待处理",
    "in_progress": "处理中",
    "closed": "已关闭",
    "too_far": "距离过远",
    "poor_accuracy": "定位精度差",
    "too_short": "时长过短",
    "location_proposed": "位置建议",
    "accepted": "已采纳",
    "dismissed": "已关闭",
    "confirmed": "已确认",
    "rejected": "已驳回",
    "counted": "已计入",
    "quarantined": "待审核",
    # findings
    "daily_care": "生活照料",
    "emotional": "精神状态",
    "safety": "安全隐患",
    "rights": "权益保障",
    "ok": "正常",
    "concern": "需关注",
    # follow-ups of an empty doorstep (the others read as their kind: urgent:<finding>, requested, ...)
    "not_home_high_risk": "高风险老人上门未遇",
    "not_found_last_chance": "最后可探访日上门未遇，电话也未联系上",
    # appointments
    "agreed": "已约定",
    "no_answer": "电话未接通",
    "cancelled": "已取消",
    # absences
    "leave": "请假",
    "sick": "病假",
    "training": "培训",
    # roles and plan rules
    "grid_worker": "网格员",
    "supervisor": "督导",
    "admin": "管理员",
    "monthly_home": "每月上门",
    "monthly_phone": "每月电话",
    "weekly_high_risk": "高风险每周",
    "new_elder": "新入册",
    "back_from_hospital": "出院回访",
    "plan": "计划生成",
    "replan": "重新计划",
    "manual": "人工调整",
    "options": "采用应对措施",
}


def label(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, LabelledEnum):
        return value.label
    key = value.value if isinstance(value, Enum) else str(value)
    return LABELS.get(str(key), str(key))


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def register(app: Flask) -> None:
    app.jinja_env.filters.update(label=label, local_time=local_time, day=day)
