"""The visit policy's parameters as settings per area, and how an area's effective rules are found (issue 20).

An area may set any of `PolicyRules`' fields or leave it unset; the nearest area on the path from the root
down to it that sets a value wins, else the code's default. Pure: the settings come in as plain mappings of
the areas on the path (`area_policies` reads them), so resolution is tested without a database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from visitsvc.model.area_policy import RANGES
from visitsvc.planning.policy import DEFAULT_RULES, PolicyRules

FLAGS = ("substitute_phone", "weekly_home_to_calls_when_short")
PARAMETERS = tuple(f.name for f in dataclasses.fields(PolicyRules))
assert set(PARAMETERS) == set(RANGES) | set(FLAGS), "every PolicyRules field is a setting, typed here"

Own = Mapping[str, int | bool | None]  # an area's own values: None (or absent) inherits


@dataclass(frozen=True, slots=True)
class Resolved:
    rules: PolicyRules
    # Per parameter, the id of the area whose setting gave the value; None: the code's default.
    source: dict[str, int | None]


def area_ids(path: str) -> list[int]:
    """The ids on a materialised area path, root first ("/1/4/17/" -> [1, 4, 17])."""
    return [int(part) for part in path.strip("/").split("/") if part]


def resolve(path: str, own_by_area: Mapping[int, Own], default: PolicyRules = DEFAULT_RULES) -> Resolved:
    """The effective rules of the area at `path`: per parameter, the deepest area on the path that sets it."""
    values: dict[str, Any] = {}
    source: dict[str, int | None] = dict.fromkeys(PARAMETERS)
    for area_id in area_ids(path):
        own = own_by_area.get(area_id, {})
        for name in PARAMETERS:
            if own.get(name) is not None:
                values[name], source[name] = own[name], area_id
    return Resolved(dataclasses.replace(default, **values), source)


def validate(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field messages for own values that cannot be stored: an unknown name, a wrong type, out of range."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if name not in PARAMETERS:
            errors[name] = ["未知参数"]
        elif value is None:
            continue
        elif name in FLAGS:
            if not isinstance(value, bool):
                errors[name] = ["须为 true、false 或 null（继承上级）"]
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[name] = ["须为整数或 null（继承上级）"]
        elif not RANGES[name][0] <= value <= RANGES[name][1]:
            low, high = RANGES[name]
            errors[name] = [f"须在 {low} 到 {high} 之间"]
    return errors


def differing(rules_by_path: Mapping[str, PolicyRules]) -> dict[str, Any]:
    """What a plan's fingerprint holds of the policy: the areas whose rules are not the code's, with them.
    Empty when nothing is set, so the fingerprints of versions made before settings existed still hold."""
    return {
        path: dataclasses.asdict(rules)
        for path, rules in sorted(rules_by_path.items())
        if rules != DEFAULT_RULES
    }


def sources_in(paths: Iterable[str]) -> set[int]:
    """Every area id on any of `paths`: the rows a resolution of them reads."""
    return {area_id for path in paths for area_id in area_ids(path)}
