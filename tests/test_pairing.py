"""The pairing itself: real overlap only, a real matching, few repeats, a trio, reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.pairing import (
    LEFT_OVER,
    NO_OVERLAP,
    OWN_AVOIDS,
    Candidate,
    meeting_slots,
    pair_round,
    runs,
    week_slots,
)

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
END = START + timedelta(days=7) - timedelta(hours=2)
UTC_ZONE = ZoneInfo("UTC")


def free(*windows: tuple[int, int, int]) -> int:
    return week_slots([list(w) for w in windows], UTC_ZONE, START, END)


def test_an_hour_needs_twelve_slots_in_a_row() -> None:
    assert meeting_slots(0b1111_1111_111) == 0  # 55 minutes
    assert meeting_slots(0b1111_1111_1111) == 0b1111_1111_1111
    assert runs(0b1111_1111_1111 << 3) == [(3, 15)]


def test_the_matching_is_a_real_assignment_not_a_greedy_walk() -> None:
    """A greedy walk taking the longest overlap first would pair 1 and 2 and strand 3 and 4;
    the matching pairs everyone."""
    long, short = (0, 12 * 60, 18 * 60), (1, 12 * 60, 13 * 60)
    people = [
        Candidate(1, free(long, short)),
        Candidate(2, free(long, (2, 12 * 60, 13 * 60))),
        Candidate(3, free(short)),
        Candidate(4, free((2, 12 * 60, 13 * 60))),
    ]
    outcome = pair_round(people, {}, seed=1)
    assert sorted(g.members for g in outcome.groups) == [(1, 3), (2, 4)]
    assert outcome.left_out == {}


def test_recent_pairs_are_avoided_while_a_new_one_fits() -> None:
    """The recent pairs share the longest hours, so only the novelty weight keeps them
    apart: all four also share a short hour and a quarter on Wednesday."""
    short = (2, 600, 675)
    people = [
        Candidate(1, free((0, 600, 900), short)),
        Candidate(2, free((0, 600, 900), short)),
        Candidate(3, free((1, 600, 900), short)),
        Candidate(4, free((1, 600, 900), short)),
    ]
    without_history = pair_round(people, {}, seed=3)
    assert sorted(g.members for g in without_history.groups) == [(1, 2), (3, 4)]
    recent = {frozenset((1, 2)): 1, frozenset((3, 4)): 1}
    for seed in range(1, 6):
        outcome = pair_round(people, recent, seed=seed)
        assert not any(g.repeat for g in outcome.groups)
        assert sorted(g.members for g in outcome.groups) in ([(1, 3), (2, 4)], [(1, 4), (2, 3)])


def test_the_odd_one_joins_a_pair_all_three_can_meet() -> None:
    people = [Candidate(i, free((0, 600, 720))) for i in (1, 2, 3)]
    (group,) = pair_round(people, {}, seed=1).groups
    assert group.members == (1, 2, 3) and group.overlap_minutes == 120


def test_reasons_for_being_left_out() -> None:
    people = [
        Candidate(1, free((0, 600, 720)), avoids=frozenset({2})),
        Candidate(2, free((0, 600, 720))),
        Candidate(3, free((3, 600, 720))),
    ]
    outcome = pair_round(people, {}, seed=1)
    assert outcome.groups == []
    assert outcome.left_out == {1: OWN_AVOIDS, 2: NO_OVERLAP, 3: NO_OVERLAP}
    # four who all overlap with one hub only: one pair, the rest left over
    hub = [Candidate(1, free((0, 600, 900)))] + [
        Candidate(i, free((0, 600 + 60 * (i - 2), 660 + 60 * (i - 2)))) for i in (2, 3, 4)
    ]
    outcome = pair_round(hub, {}, seed=1)
    assert len(outcome.groups) == 1
    assert sorted(outcome.left_out.values()) == [LEFT_OVER, LEFT_OVER]


def test_the_same_seed_gives_the_same_round() -> None:
    people = [Candidate(i, free((0, 600, 720))) for i in range(1, 9)]
    first = pair_round(people, {}, seed=42).groups
    assert pair_round(people, {}, seed=42).groups == first
