"""Ordered daily routes for a worker's month of home visits: pure data in, a self-checking plan out."""

from routing.check import Violation, ViolationKind, check
from routing.matrix import (
    DEFAULT_DETOUR,
    SPEED_KMH,
    HaversineProvider,
    Location,
    Matrix,
    MatrixProvider,
    TravelMode,
    build_matrices,
)
from routing.plan import Dropped, DropReason, Objective, Plan, Route, Stats, Status, Stop
from routing.prepare import overrun
from routing.problem import (
    GUARD_SECONDS,
    GUARD_SECONDS_PER_VISIT,
    MANDATORY_PENALTY,
    Options,
    Prefix,
    Problem,
    Shift,
    ShiftKey,
    Visit,
    Window,
)
from routing.solve import process_pool, solve, solve_many

__all__ = [
    "DEFAULT_DETOUR",
    "GUARD_SECONDS",
    "GUARD_SECONDS_PER_VISIT",
    "MANDATORY_PENALTY",
    "SPEED_KMH",
    "DropReason",
    "Dropped",
    "HaversineProvider",
    "Location",
    "Matrix",
    "MatrixProvider",
    "Objective",
    "Options",
    "Plan",
    "Prefix",
    "Problem",
    "Route",
    "Shift",
    "ShiftKey",
    "Stats",
    "Status",
    "Stop",
    "TravelMode",
    "Violation",
    "ViolationKind",
    "Visit",
    "Window",
    "build_matrices",
    "check",
    "overrun",
    "process_pool",
    "solve",
    "solve_many",
]
