"""The policy's view of a person, read off the register: one translation for planning and coverage."""

from __future__ import annotations

from datetime import date

from visitsvc.model import Elder, ElderStatus
from visitsvc.month import Month
from visitsvc.policy import ElderFacts


def elder_facts(
    elder: Elder,
    month: Month,
    timeline: list[tuple[date, ElderStatus]],
    *,
    substituted_last_month: bool = False,
) -> ElderFacts:
    return ElderFacts(
        elder_id=elder.id,
        categories=elder.categories,
        ability_level=elder.ability_level,
        disability_grade=elder.disability_grade,
        age=elder.age(month.first),
        willingness=elder.willingness,
        registered_on=timeline[0][0] if timeline else elder.status_since,
        statuses=tuple(timeline) if timeline else ((elder.status_since, elder.status),),
        refused_contact_on=elder.refused_contact_on,
        substituted_last_month=substituted_last_month,
    )
