"""The register's closed vocabularies, with the Chinese labels that the 台账 and the console use."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry the Chinese label used in 台账 files."""

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def from_label(cls, label: str) -> LabelledEnum:
        for member in cls:
            if _LABELS[member] == label:
                return member
        raise ValueError(label)

    @classmethod
    def labels(cls) -> list[str]:
        return [_LABELS[m] for m in cls]


class AreaLevel(LabelledEnum):
    DISTRICT = "district"  # 区县
    STREET = "street"  # 街道乡镇
    COMMUNITY = "community"  # 社区村
    GRID = "grid"  # 网格

    @property
    def depth(self) -> int:
        return list(AreaLevel).index(self)


class Role(StrEnum):
    GRID_WORKER = "grid_worker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # Makes the visits of the people paired with them (结对帮扶): a social worker, a volunteer, an
    # organisation's staff. Sees exactly those people.
    VISITOR = "visitor"
    # An organisation's coordinator: sees its staff, assignments and statements only.
    COORDINATOR = "coordinator"


class VisitorKind(LabelledEnum):
    """Who makes a visit, as coverage and the monthly report split it (网格员 is the grid worker)."""

    GRID_WORKER = "grid_worker"  # 网格员
    SOCIAL_WORKER = "social_worker"  # 社工
    VOLUNTEER = "volunteer"  # 志愿者
    SERVICE_STAFF = "service_staff"  # 服务机构人员
    PUBLIC_WELFARE = "public_welfare"  # 公益性岗位


class OrganisationKind(LabelledEnum):
    SOCIAL_WORK_STATION = "social_work_station"  # 社工站
    SOCIAL_ORGANISATION = "social_organisation"  # 社会组织
    CARE_PROVIDER = "care_provider"  # 养老服务机构
    VOLUNTEER_ORGANISATION = "volunteer_organisation"  # 志愿服务组织
    ELDERS_ASSOCIATION = "elders_association"  # 老年协会


class TravelMode(LabelledEnum):
    WALK = "walk"  # 步行
    EBIKE = "ebike"  # 电动车
    CAR = "car"  # 汽车


class Sex(LabelledEnum):
    MALE = "male"  # 男
    FEMALE = "female"  # 女


class Category(LabelledEnum):
    LIVING_ALONE = "living_alone"  # 独居
    EMPTY_NEST = "empty_nest"  # 空巢
    LEFT_BEHIND = "left_behind"  # 留守
    DISABLED = "disabled"  # 失能
    DEMENTIA = "dementia"  # 失智
    SEVERELY_DISABLED = "severely_disabled"  # 重残
    FAMILY_PLANNING_SPECIAL = "family_planning_special"  # 计划生育特殊家庭
    CHILDLESS = "childless"  # 孤寡
    VERY_OLD = "very_old"  # 高龄
    DISPERSED_SUPPORT = "dispersed_support"  # 分散供养特困


class AbilityLevel(LabelledEnum):
    """GB/T 42195-2022 老年人能力评估规范: the five grades of ability."""

    INTACT = "intact"  # 能力完好
    MILD = "mild"  # 轻度失能
    MODERATE = "moderate"  # 中度失能
    SEVERE = "severe"  # 重度失能
    TOTAL = "total"  # 完全失能


class DisabilityGrade(LabelledEnum):
    GRADE_1 = "grade_1"  # 一级 (most severe)
    GRADE_2 = "grade_2"  # 二级
    GRADE_3 = "grade_3"  # 三级
    GRADE_4 = "grade_4"  # 四级


class Willingness(LabelledEnum):
    HOME = "home"  # 同意上门
    PHONE_ONLY = "phone_only"  # 仅电话
    REFUSES_HOME = "refuses_home"  # 拒绝 (home visits; contact by phone is still owed)


class VisitKind(StrEnum):
    HOME = "home"  # 上门探视
    PHONE = "phone"  # 通讯探访


class ElderStatus(StrEnum):
    ACTIVE = "active"
    HOSPITALIZED = "hospitalized"
    MOVED_OUT = "moved_out"
    DECEASED = "deceased"
    WITHDRAWN = "withdrawn"


# Those who left the register: withdrawn (退出) ends its purpose as surely as moving out; the person is
# no longer visited. Hospitalised people are still on the register and come back.
LEFT_STATUSES = frozenset({ElderStatus.DECEASED, ElderStatus.MOVED_OUT, ElderStatus.WITHDRAWN})


_LABELS: dict[StrEnum, str] = {
    AreaLevel.DISTRICT: "区县",
    AreaLevel.STREET: "街道乡镇",
    AreaLevel.COMMUNITY: "社区村",
    AreaLevel.GRID: "网格",
    TravelMode.WALK: "步行",
    TravelMode.EBIKE: "电动车",
    TravelMode.CAR: "汽车",
    Sex.MALE: "男",
    Sex.FEMALE: "女",
    Category.LIVING_ALONE: "独居",
    Category.EMPTY_NEST: "空巢",
    Category.LEFT_BEHIND: "留守",
    Category.DISABLED: "失能",
    Category.DEMENTIA: "失智",
    Category.SEVERELY_DISABLED: "重残",
    Category.FAMILY_PLANNING_SPECIAL: "计划生育特殊家庭",
    Category.CHILDLESS: "孤寡",
    Category.VERY_OLD: "高龄",
    Category.DISPERSED_SUPPORT: "分散供养特困",
    AbilityLevel.INTACT: "能力完好",
    AbilityLevel.MILD: "轻度失能",
    AbilityLevel.MODERATE: "中度失能",
    AbilityLevel.SEVERE: "重度失能",
    AbilityLevel.TOTAL: "完全失能",
    DisabilityGrade.GRADE_1: "一级",
    DisabilityGrade.GRADE_2: "二级",
    DisabilityGrade.GRADE_3: "三级",
    DisabilityGrade.GRADE_4: "四级",
    Willingness.HOME: "同意上门",
    Willingness.PHONE_ONLY: "仅电话",
    Willingness.REFUSES_HOME: "拒绝",
    VisitorKind.GRID_WORKER: "网格员",
    VisitorKind.SOCIAL_WORKER: "社工",
    VisitorKind.VOLUNTEER: "志愿者",
    VisitorKind.SERVICE_STAFF: "服务机构人员",
    VisitorKind.PUBLIC_WELFARE: "公益性岗位",
    OrganisationKind.SOCIAL_WORK_STATION: "社工站",
    OrganisationKind.SOCIAL_ORGANISATION: "社会组织",
    OrganisationKind.CARE_PROVIDER: "养老服务机构",
    OrganisationKind.VOLUNTEER_ORGANISATION: "志愿服务组织",
    OrganisationKind.ELDERS_ASSOCIATION: "老年协会",
}
