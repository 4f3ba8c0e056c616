"""Weekly practice pairs: who can actually meet, matched as a real assignment.

Pure functions, no database: `bot/features/partners.py` feeds them each member's free
time for the coming week and the last rounds' pairs, and `bench/bench_pairing.py` drives
them through simulated months.

Free time is a bitset of five-minute slots over the round's week, in UTC: a member's
weekly windows (their own wall clock) are turned into instants day by day through
`bot.timezones.local_instant`, so a window keeps its local hours across a daylight-saving
change and two members' clocks changing on different dates is handled for free. A slot is
set only when the whole five minutes lie inside the window, so a suggested time always
lies inside both members' windows. Two members can meet when their common slots hold a
run of at least an hour (`MIN_MEETING`).

The matching is a maximum-weight matching over the graph of members who can meet
(networkx's blossom algorithm, maximum cardinality first): as many pairs as possible,
and among those the most novel and the best overlapping. A pair that met in the last
`RECENT_ROUNDS` rounds weighs almost nothing, so it is only chosen when no new pair would
pair as many people. With an odd number of people left who could have been paired, the
last one joins the pair all three of whom share an hour, making a trio. Ties are broken
by a seeded random number, so a round is deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.timezones import local_instant

SLOT = timedelta(minutes=5)
MIN_MEETING = timedelta(hours=1)
RUN = int(MIN_MEETING / SLOT)
"""Slots in the shortest meeting (12)."""
RECENT_ROUNDS = 4
"""A pair is a repeat when it was made in any of this many last rounds."""
EDGES_PER_MEMBER = 24
"""Each member keeps this many of their best possible partners in the graph: enough that
the matching is as large as with every edge, and it keeps a round of hundreds fast."""

NOVEL, REPEAT = 10_000, 10
"""Weight of a pair never made recently, and per round since a recent one (1..4)."""

# Why someone was left out (the feature words each for the member).
ALONE = "alone"
"""Nobody else is taking part this round."""
NO_OVERLAP = "no_overlap"
"""Nobody shares an hour with their windows this week."""
OWN_AVOIDS = "own_avoids"
"""The only members who share their hours are on their own avoid list."""
LEFT_OVER = "left_over"
"""Others shared their hours, but all of those were paired (odd numbers, no trio fits)."""


@dataclass(frozen=True)
class Candidate:
    """A member taking part this round: their free slots and whom they avoid."""

    id: int
    slots: int
    avoids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Group:
    """A pair or a trio, with what they have in common this week."""

    members: tuple[int, ...]
    common: int
    """The slots all of them are free, in runs of an hour or more."""
    repeat: bool = False

    @property
    def overlap_minutes(self) -> int:
        return self.common.bit_count() * int(SLOT.total_seconds() // 60)

    @property
    def first_slot(self) -> int:
        return (self.common & -self.common).bit_length() - 1


@dataclass
class Outcome:
    groups: list[Group] = field(default_factory=list)
    left_out: dict[int, str] = field(default_factory=dict)
    possible: set[int] = field(default_factory=set)
    """Members who had at least one possible partner this round."""


# -- free time ------------------------------------------------------------------------------


def week_slots(
    windows: Iterable[Sequence[int]], zone: ZoneInfo, start: datetime, end: datetime
) -> int:
    """The slots between `start` and `end` inside the member's weekly windows.

    `windows` are [weekday, start minute, end minute] on the member's wall clock.
    """
    by_day: dict[int, list[tuple[int, int]]] = {}
    for day, lo, hi in windows:
        by_day.setdefault(int(day), []).append((int(lo), int(hi)))
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    bits, total = 0, slot_count(start, end)
    day = first
    while day <= last:
        for lo, hi in by_day.get(day.weekday(), ()):
            a = _instant(day, lo, zone)
            b = _instant(day, hi, zone)
            bits |= _span(a, b, start, total)
        day += timedelta(days=1)
    return bits


def slot_count(start: datetime, end: datetime) -> int:
    return int((end - start) / SLOT)


def slot_instant(start: datetime, index: int) -> datetime:
    return start + index * SLOT


def runs(bits: int, least: int = RUN) -> list[tuple[int, int]]:
    """(first slot, slot after the last) of each run of set bits at least `least` long."""
    out = []
    while bits:
        low = (bits & -bits).bit_length() - 1
        shifted = bits >> low
        length = (shifted ^ (shifted + 1)).bit_length() - 1
        if length >= least:
            out.append((low, low + length))
        bits &= ~(((1 << length) - 1) << low)
    return out


def meeting_slots(bits: int) -> int:
    """`bits` keeping only runs of at least an hour: the time two people could meet."""
    run = bits
    have = 1
    while have < RUN:  # runs of length >= 2, 4, 8, then 12
        step = min(have, RUN - have)
        run &= run >> step
        have += step
    cover = run
    spread = 1
    while spread < RUN:  # every slot of those runs, not only their starts
        step = min(spread, RUN - spread)
        cover |= cover << step
        spread += step
    return cover & bits


def _instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    if minutes >= 24 * 60:
        return local_instant(day + timedelta(days=1), time(0, 0), zone)
    return local_instant(day, time(minutes // 60, minutes % 60), zone)


def _span(a: datetime, b: datetime, start: datetime, total: int) -> int:
    """Slots wholly inside [a, b), clipped to the week."""
    first = -(-int((a - start).total_seconds()) // int(SLOT.total_seconds()))  # ceil
    after = int((b - start).total_seconds()) // int(SLOT.total_seconds())  # floor
    first, after = max(first, 0), min(after, total)
    if after <= first:
        return 0
    return ((1 << (after - first)) - 1) << first


# -- the round ---------------------------------------------------------------------------------


def pair_round(
    candidates: Sequence[Candidate],
    recent: Mapping[frozenset[int], int],
    seed: int,
) -> Outcome:
    """This round's groups, and why anyone was left out.

    `recent` maps a pair made in the last rounds to how many rounds ago (1 = last round).
    """
    import networkx as nx  # a second of import time: only when a round is computed

    rng = random.Random(seed)
    people = sorted(candidates, key=lambda c: c.id)
    by_id = {c.id: c for c in people}
    outcome = Outcome()
    if len(people) < 2:
        outcome.left_out = {c.id: ALONE for c in people}
        return outcome

    edges: dict[frozenset[int], tuple[int, int]] = {}
    blocked_by_own: set[int] = set()
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            common = a.slots & b.slots
            if not common:
                continue
            common = meeting_slots(common)
            if not common:
                continue
            if b.id in a.avoids or a.id in b.avoids:
                if b.id in a.avoids:
                    blocked_by_own.add(a.id)
                if a.id in b.avoids:
                    blocked_by_own.add(b.id)
                continue
            edges[frozenset((a.id, b.id))] = (
                _weight(common, recent.get(frozenset((a.id, b.id))), rng),
                common,
            )
    for pair in edges:
        outcome.possible |= pair

    graph = nx.Graph()
    graph.add_nodes_from(c.id for c in people)
    for pair in _strongest(edges):
        a, b = sorted(pair)
        graph.add_edge(a, b, weight=edges[pair][0])
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    groups = []
    for a, b in sorted(tuple(sorted(p)) for p in matching):
        key = frozenset((a, b))
        groups.append(Group((a, b), edges[key][1], repeat=key in recent))
    paired = {m for g in groups for m in g.members}

    for member in sorted(outcome.possible - paired):
        trio = _best_trio(member, groups, by_id, edges, recent)
        if trio is not None:
            index, group = trio
            groups[index] = group
            paired.add(member)
    outcome.groups = groups
    for c in people:
        if c.id in paired:
            continue
        if c.id in outcome.possible:
            outcome.left_out[c.id] = LEFT_OVER
        elif c.id in blocked_by_own:
            outcome.left_out[c.id] = OWN_AVOIDS
        else:
            outcome.left_out[c.id] = NO_OVERLAP
    return outcome


def _weight(common: int, rounds_ago: int | None, rng: random.Random) -> int:
    novelty = NOVEL if rounds_ago is None else REPEAT * rounds_ago
    hours = min(common.bit_count() // RUN, 10)  # more shared time, easier to book: up to 10
    return novelty + 50 * hours + rng.randrange(50)


def _strongest(edges: Mapping[frozenset[int], tuple[int, int]]) -> set[frozenset[int]]:
    """Each member's `EDGES_PER_MEMBER` heaviest edges (an edge stays if either keeps it)."""
    per_member: dict[int, list[tuple[int, frozenset[int]]]] = {}
    for pair, (weight, _) in edges.items():
        for m in pair:
            per_member.setdefault(m, []).append((weight, pair))
    kept: set[frozenset[int]] = set()
    for options in per_member.values():
        options.sort(key=lambda item: (-item[0], sorted(item[1])))
        kept.update(pair for _, pair in options[:EDGES_PER_MEMBER])
    return kept


def _best_trio(
    member: int,
    groups: list[Group],
    by_id: Mapping[int, Candidate],
    edges: Mapping[frozenset[int], tuple[int, int]],
    recent: Mapping[frozenset[int], int],
) -> tuple[int, Group] | None:
    """The pair `member` can join so all three share an hour, most novel and longest first."""
    best: tuple[tuple[int, int, int], int, Group] | None = None
    for index, group in enumerate(groups):
        if len(group.members) != 2:
            continue
        if any(frozenset((member, other)) not in edges for other in group.members):
            continue  # no hour with one of them, or an avoid either way
        common = meeting_slots(group.common & by_id[member].slots)
        if not common:
            continue
        repeats = sum(frozenset((member, o)) in recent for o in group.members)
        score = (-repeats, common.bit_count(), -index)
        if best is None or score > best[0]:
            members = tuple(sorted((*group.members, member)))
            best = (score, index, Group(members, common, repeat=group.repeat or repeats > 0))
    return None if best is None else (best[1], best[2])
