"""Who takes a visit its worker cannot fit: a colleague whose travel mode reaches the home from their start
within the reach (minutes one way), of the person's community, then street, then the area planned; of those
the nearest, and if their solve still drops it, the next nearest (docs/adr/0025)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

import routing
from visitsvc.model import TravelMode, VisitKind
from visitsvc.planning import overflow, reach
from visitsvc.planning.plan_versions import hand_over_overflow
from visitsvc.planning.policy import Owed, Rule
from visitsvc.planning.route_problems import Home, PlanningSettings, WorkerFacts, WorkerMonth, build, visit_id

WEEK = [date(2026, 12, d) for d in range(14, 19)]
GRID, COMMUNITY_GRID, STREET_GRID, DISTRICT_GRID = "/1/2/3/4/", "/1/2/3/5/", "/1/2/6/7/", "/1/8/9/10/"
HOME = Home(7, 4, 120.100, 30.200)
HOMES = {7: HOME, 8: Home(8, 4, None, None)}
GRID_PATH = {4: GRID}
REACH = 30
FULL = 10_000  # spare minutes: nobody is short of time unless a test says so


def north(metres: float) -> tuple[float, float]:
    """A start `metres` due north of the home (a degree of latitude is about 111.2 km)."""
    return (HOME.lon or 0.0, (HOME.lat or 0.0) + metres / 111_195)


def worker(
    worker_id: int,
    start: tuple[float, float] | None,
    grid: str = COMMUNITY_GRID,
    mode: TravelMode = TravelMode.WALK,
) -> WorkerFacts:
    return WorkerFacts(worker_id, mode, start, time(8, 30), time(17, 30), 240, (grid,))


def month_of(facts: WorkerFacts, offered: Sequence[Owed] = (), own: Sequence[Owed] = ()) -> WorkerMonth:
    return build(facts, list(own), HOMES, WEEK, PlanningSettings(), offered=offered)


def weekly(elder: int = 7, first: date = WEEK[0], last: date = WEEK[-1]) -> Owed:
    return Owed(elder, VisitKind.HOME, first, last, Rule.WEEKLY_HIGH_RISK, f"week-{first}")


def taker(
    colleagues: list[WorkerFacts],
    owed: Owed | None = None,
    *,
    spare: list[int] | None = None,
    points: list[dict[date, list[tuple[float, float]]]] | None = None,
    reach: int = REACH,
) -> int | None:
    """The id of the colleague who is offered the visit (None: nobody)."""
    months = [month_of(c) for c in colleagues]
    offered = overflow.share_out(
        [(None, owed or weekly())], months, spare or [FULL] * len(months), HOMES, GRID_PATH,
        reach_minutes=reach, home_load=30, points=points,
    )  # fmt: skip
    assert len(offered) <= 1
    assert all(len(items) == 1 for items in offered.values())
    return next((months[j].worker.id for j in offered), None)


def test_the_reach_is_the_time_the_planner_routes_with_in_the_colleagues_mode() -> None:
    start = north(3000)
    for mode in TravelMode:
        matrix = routing.HaversineProvider().matrix(
            [routing.Location(*start), routing.Location(HOME.lon or 0, HOME.lat or 0)],
            routing.TravelMode(mode),
        )
        assert reach.travel_seconds(mode, start, (HOME.lon or 0, HOME.lat or 0)) == matrix(0, 1)


def test_the_nearer_colleague_takes_the_visit_not_the_one_with_more_time_left() -> None:
    near, roomy = worker(2, north(600)), worker(3, north(1300))
    assert taker([roomy, near], spare=[FULL, 60]) == 2
    assert taker([near, roomy], spare=[60, FULL]) == 2, "whatever their order"


def test_a_colleague_beyond_the_reach_is_never_offered_the_visit() -> None:
    # 1.8 km on foot is 1.8 x 1.3 / 4.5 km/h = 31 minutes one way: past 30 at every level, however idle.
    beyond = [
        worker(2, north(1800)),
        worker(3, north(1800), STREET_GRID),
        worker(4, north(1800), DISTRICT_GRID),
    ]
    assert taker(beyond) is None
    assert taker(beyond, reach=35) == 2, "the reach is the caller's to set (an area's policy, later)"


def test_an_ebike_colleague_reaches_what_a_walker_from_the_same_start_does_not() -> None:
    # 4 km: 69 minutes on foot, 21 by e-bike.
    walker, rider = worker(2, north(4000)), worker(3, north(4000), mode=TravelMode.EBIKE)
    assert taker([walker]) is None
    assert taker([walker, rider]) == 3


def test_the_community_comes_before_the_street_and_the_street_before_the_district_however_near() -> None:
    community = worker(2, north(1500))
    street = worker(3, north(300), STREET_GRID)
    district = worker(4, north(100), DISTRICT_GRID)
    assert taker([district, street, community]) == 2
    assert taker([district, street]) == 3
    assert taker([district]) == 4


def test_a_level_whose_colleagues_are_out_of_reach_or_of_time_hands_on_to_the_next() -> None:
    far_community = worker(2, north(2500))
    busy_community = worker(3, north(200))
    street = worker(4, north(1000), STREET_GRID)
    assert taker([far_community, busy_community, street], spare=[FULL, 20, FULL]) == 4


def test_a_planned_stop_near_the_home_on_a_day_of_the_window_beats_a_nearer_start() -> None:
    near_start, passing_by = worker(2, north(600)), worker(3, north(1500))
    next_door = north(50)
    on_wednesday = [{}, {WEEK[2]: [next_door]}]
    assert taker([near_start, passing_by], points=on_wednesday) == 3
    monday_only = weekly(first=WEEK[0], last=WEEK[1])
    assert taker([near_start, passing_by], monday_only, points=on_wednesday) == 2, "Wednesday is outside"


def test_a_planned_stop_does_not_stretch_the_reach_which_is_measured_from_the_start() -> None:
    out_of_reach = worker(2, north(2500))
    assert taker([out_of_reach], points=[{WEEK[2]: [north(50)]}]) is None


def test_without_a_start_or_coordinates_the_area_bound_alone_holds_and_measured_colleagues_go_first() -> None:
    unknown, measured = worker(2, None), worker(3, north(1200))
    assert taker([unknown]) == 2, "nothing to measure: allowed within the area, as before"
    assert taker([unknown, measured]) == 3, "a colleague known to be within reach before one not known"
    nowhere = weekly(elder=8)  # a home without coordinates
    far = worker(4, north(9000))
    assert taker([far, measured], nowhere, spare=[FULL, 300]) == 4, "any colleague; the most time left"


def test_what_the_nearest_colleagues_solve_drops_goes_to_the_next_nearest_who_was_not_asked() -> None:
    owed = weekly()
    vid = visit_id(owed)
    origin = month_of(worker(1, north(0), GRID), own=[owed])
    first = month_of(worker(2, north(300)), offered=[owed])
    second, third = month_of(worker(3, north(900))), month_of(worker(4, north(600), STREET_GRID))
    months = [origin, first, second, third]
    dropped = plan(dropped=[vid])
    plans = [dropped, dropped, plan(), plan()]
    refused: dict[str, set[int]] = {}
    again = overflow.offers_again(
        months, plans, [1], refused, HOMES, GRID_PATH, reach_minutes=REACH, home_load=30
    )
    assert again == {2: [owed]}, "the community's next, not the nearer street colleague"
    assert refused == {vid: {1}}
    refused[vid].add(2)
    again = overflow.offers_again(
        months, plans, [1], refused, HOMES, GRID_PATH, reach_minutes=REACH, home_load=30
    )
    assert again == {3: [owed]}


def test_a_visit_a_colleague_routed_is_not_offered_again() -> None:
    owed = weekly()
    vid = visit_id(owed)
    months = [
        month_of(worker(1, north(0), GRID), own=[owed]),
        month_of(worker(2, north(300)), offered=[owed]),
        month_of(worker(3, north(200)), offered=[owed]),
        month_of(worker(4, north(900))),
    ]
    plans = [plan(dropped=[vid]), plan(dropped=[vid]), plan(routed=[vid]), plan()]
    assert (
        overflow.offers_again(months, plans, [1], {}, HOMES, GRID_PATH, reach_minutes=REACH, home_load=30)
        == {}
    )


def plan(*, dropped: Sequence[str] = (), routed: Sequence[str] = ()) -> routing.Plan:
    route = routing.Route("w", WEEK[2], tuple(routing.Stop(v, 9 * 3600) for v in routed), 10 * 3600)
    return routing.Plan(
        (route,) if routed else (),
        tuple(routing.Dropped(v, routing.DropReason.CAPACITY) for v in dropped),
        routing.Objective(0, 0, 0),
        routing.Stats(0.0, None, routing.Status.FEASIBLE),
    )


def test_a_visit_the_nearest_colleague_cannot_fit_is_routed_by_the_next_nearest() -> None:
    owed = weekly()
    settings = PlanningSettings(solution_limit=10)
    # Half an hour a day: room for a visit on site but not for the way there as well.
    tight = WorkerFacts(2, TravelMode.WALK, north(300), time(8, 30), time(17, 30), 30, (COMMUNITY_GRID,))
    team = [
        (WorkerFacts(1, TravelMode.WALK, north(0), time(8, 30), time(17, 30), 0, (GRID,)), [owed]),
        (tight, []),
        (worker(3, north(900)), []),
    ]

    def rebuild(j: int, offered: list[Owed]) -> WorkerMonth:
        facts, own = team[j]
        return build(facts, own, HOMES, WEEK, settings, offered=offered)

    months = [rebuild(j, []) for j in range(len(team))]
    plans = [routing.solve(m.problem, routing.Options(solution_limit=10)) for m in months]
    assert [d.visit_id for d in plans[0].dropped] == [visit_id(owed)]
    helpers = hand_over_overflow(
        months, plans, HOMES, GRID_PATH, reach=REACH, settings=settings, executor="serial", rebuild=rebuild
    )
    assert helpers == [1, 2]
    assert [d.visit_id for d in plans[1].dropped] == [visit_id(owed)], "the nearest tried and could not"
    assert overflow.moved_ids(months, plans) == {visit_id(owed)}
    assert visit_id(owed) in plans[2].routed_ids
