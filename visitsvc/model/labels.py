"""Chinese labels of the visit vocabularies, as reports, statements and their spreadsheets print them (the
register's own vocabularies carry theirs in `enums`)."""

from __future__ import annotations

from visitsvc.model.enums import VisitKind
from visitsvc.model.visit import FlagKind, VisitOutcome

KIND_LABELS = {VisitKind.HOME: "上门", VisitKind.PHONE: "电话"}
OUTCOME_LABELS = {
    VisitOutcome.VISITED: "已探访",
    VisitOutcome.NOT_HOME: "不在家",
    VisitOutcome.REFUSED: "拒访",
    VisitOutcome.HOSPITALIZED: "住院",
    VisitOutcome.DECEASED: "去世",
    VisitOutcome.MOVED_OUT: "迁出",
    VisitOutcome.UNREACHABLE: "无法联系",
}
FLAG_LABELS = {
    FlagKind.TOO_FAR: "距离住址过远",
    FlagKind.POOR_ACCURACY: "定位精度差",
    FlagKind.TOO_SHORT: "在场时间过短",
    FlagKind.LOCATION_PROPOSED: "建议更新住址位置",
}
