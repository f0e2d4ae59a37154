"""Typed SQLAlchemy 2 models: behaviour lives here, sessions do not."""

from visitsvc.model.absence import Absence, AbsenceKind
from visitsvc.model.appointment import Appointment, AppointmentState
from visitsvc.model.area import PARENT_LEVEL, Area
from visitsvc.model.area_policy import AreaPolicy
from visitsvc.model.audit import AuditEntry
from visitsvc.model.auth import AttemptOutcome, AuthToken, LoginAttempt, TokenKind
from visitsvc.model.base import Base
from visitsvc.model.elder import Elder, ElderCategory, StatusChange
from visitsvc.model.enums import (
    AbilityLevel,
    AreaLevel,
    Category,
    DisabilityGrade,
    ElderStatus,
    OrganisationKind,
    Role,
    Sex,
    TravelMode,
    VisitKind,
    VisitorKind,
    Willingness,
)
from visitsvc.model.job import JobRun
from visitsvc.model.notification import Notification, NotificationState
from visitsvc.model.organisation import (
    Contract,
    ContractPrice,
    Organisation,
    Pairing,
    contract_areas,
    organisation_areas,
)
from visitsvc.model.planning import CalendarDay, PlannedVisit, PlanningLock, PlanVersion, UnplannedVisit
from visitsvc.model.remedy import PlanRemedy
from visitsvc.model.visit import (
    AtRiskMark,
    FlagKind,
    FlagState,
    FollowUp,
    FollowUpStatus,
    ProposalState,
    RecordState,
    StatusProposal,
    VisitFlag,
    VisitOutcome,
    VisitPhoto,
    VisitRecord,
)
from visitsvc.model.worker import VisitorProfile, Worker, worker_grids

__all__ = [
    "PARENT_LEVEL",
    "AbilityLevel",
    "Absence",
    "AbsenceKind",
    "Appointment",
    "AppointmentState",
    "Area",
    "AreaLevel",
    "AreaPolicy",
    "AtRiskMark",
    "AttemptOutcome",
    "AuditEntry",
    "AuthToken",
    "Base",
    "CalendarDay",
    "Category",
    "Contract",
    "ContractPrice",
    "DisabilityGrade",
    "Elder",
    "ElderCategory",
    "ElderStatus",
    "FlagKind",
    "FlagState",
    "FollowUp",
    "FollowUpStatus",
    "JobRun",
    "LoginAttempt",
    "Notification",
    "NotificationState",
    "Organisation",
    "OrganisationKind",
    "Pairing",
    "PlanRemedy",
    "PlanVersion",
    "PlannedVisit",
    "PlanningLock",
    "ProposalState",
    "RecordState",
    "Role",
    "Sex",
    "StatusChange",
    "StatusProposal",
    "TokenKind",
    "TravelMode",
    "UnplannedVisit",
    "VisitFlag",
    "VisitKind",
    "VisitOutcome",
    "VisitPhoto",
    "VisitRecord",
    "VisitorKind",
    "VisitorProfile",
    "Willingness",
    "Worker",
    "contract_areas",
    "organisation_areas",
    "worker_grids",
]
