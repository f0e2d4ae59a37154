"""When a corrected or re-imported position is a new place (a guess again) and when it is the same one."""

from __future__ import annotations

from visitsvc.register.elders import moved

HOME = (120.1201, 30.2801)
METRE = 1 / 111_320  # degrees of latitude per metre, near enough


def test_a_position_read_back_from_an_export_is_the_same_place() -> None:
    proposed_by_a_phone = (120.12012345678, 30.28012345678)
    exported = (round(proposed_by_a_phone[0], 7), round(proposed_by_a_phone[1], 7))
    assert not moved(proposed_by_a_phone, exported)
    assert not moved(HOME, HOME)


def test_a_position_a_few_metres_away_is_a_new_place() -> None:
    assert moved(HOME, (HOME[0], HOME[1] + 3 * METRE))


def test_a_position_given_or_taken_away_is_a_change() -> None:
    assert moved((None, None), HOME)
    assert moved(HOME, (None, None))
    assert not moved((None, None), (None, None))
