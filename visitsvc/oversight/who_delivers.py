"""Who delivers the month's visits: the coverage table's people split by the kind of visitor who saw them
(网格员, 社工, 志愿者, ...) and by their organisation, so an office sees what it buys beside what its grid
workers do.

A visit counts for whoever made it (a counted record: not void, not held or rejected). A covered person counts
once in each group whose visitor saw them this month, as a person counts once in each of their categories:
the groups' people add up to more than the total when two kinds of visitor saw one person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from visitsvc.infrastructure.repositories.deliveries import MadeVisit
from visitsvc.infrastructure.uow import UnitOfWork
from visitsvc.kernel.month import Month
from visitsvc.model import VisitorKind, VisitOutcome
from visitsvc.planning.month_coverage import PersonCoverage

OTHER = "other"  # a visit recorded by a supervisor or an admin
NO_ORGANISATION = "none"
OTHER_LABEL = "其他人员"
NO_ORGANISATION_LABEL = "无所属机构"


@dataclass(frozen=True, slots=True)
class Maker:
    kind: VisitorKind | None
    organisation_id: int | None


@dataclass(frozen=True, slots=True)
class Deliveries:
    """The month's counted visits of the people in view, and who made them."""

    made: list[MadeVisit]
    makers: dict[int, Maker]
    organisation_names: dict[int, str]


@dataclass(frozen=True, slots=True)
class DeliveryFigures:
    key: str  # a visitor kind's value or OTHER; an organisation's id or NO_ORGANISATION
    name: str
    visits: int  # counted visits made, any outcome
    visited: int  # of which the person was seen (`visited`)
    people_visited: int  # people seen at least once
    people_covered: int  # of whom covered this month


def read_deliveries(uow: UnitOfWork, elder_ids: Iterable[int], month: Month) -> Deliveries:
    """Inside an open unit of work."""
    made = uow.deliveries.counted_visits_of(elder_ids, month)
    workers = uow.deliveries.workers({m.worker_id for m in made})
    makers = {i: Maker(w.kind, w.organisation_id) for i, w in workers.items()}
    organisations = {m.organisation_id for m in makers.values() if m.organisation_id is not None}
    names = {i: uow.organisations.get(i).name for i in sorted(organisations)}
    return Deliveries(made, makers, names)


def by_visitor_kind(deliveries: Deliveries, people: Iterable[PersonCoverage]) -> list[DeliveryFigures]:
    def group(maker: Maker) -> str:
        return maker.kind.value if maker.kind is not None else OTHER

    names = {k.value: k.label for k in VisitorKind} | {OTHER: OTHER_LABEL}
    order = [k.value for k in VisitorKind] + [OTHER]
    return _figures(deliveries, people, group, names, order)


def by_organisation(deliveries: Deliveries, people: Iterable[PersonCoverage]) -> list[DeliveryFigures]:
    def group(maker: Maker) -> str:
        return NO_ORGANISATION if maker.organisation_id is None else str(maker.organisation_id)

    names = {str(i): n for i, n in deliveries.organisation_names.items()} | {
        NO_ORGANISATION: NO_ORGANISATION_LABEL
    }
    order = [str(i) for i in sorted(deliveries.organisation_names)] + [NO_ORGANISATION]
    return _figures(deliveries, people, group, names, order)


def _figures(
    deliveries: Deliveries,
    people: Iterable[PersonCoverage],
    group_of: Callable[[Maker], str],
    names: dict[str, str],
    order: list[str],
) -> list[DeliveryFigures]:
    covered = {p.elder_id for p in people if p.result.covered}
    visits: dict[str, int] = defaultdict(int)
    visited: dict[str, int] = defaultdict(int)
    seen: dict[str, set[int]] = defaultdict(set)
    for visit in deliveries.made:
        maker = deliveries.makers.get(visit.worker_id, Maker(None, None))
        key = group_of(maker)
        visits[key] += 1
        if visit.outcome is VisitOutcome.VISITED:
            visited[key] += 1
            seen[key].add(visit.elder_id)
    return [
        DeliveryFigures(key, names[key], visits[key], visited[key], len(seen[key]), len(seen[key] & covered))
        for key in order
        if key in visits
    ]
