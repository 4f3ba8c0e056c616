"""The Slack pacer's memory: a channel's pace holds for as long as its bucket refills,
and not a moment longer (a 09:00 fan-out used to leave a bucket per member behind)."""

from __future__ import annotations

import pytest

from adapters.slack.pacing import Pacer, PacingTimeout


class Stopwatch:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_busy_channel_keeps_its_pace_while_quiet_ones_are_forgotten() -> None:
    time = Stopwatch()
    pacer = Pacer(per_channel=1.0, channel_burst=3.0, workspace=1000.0, clock=time)
    for member in range(500):  # a fan-out: one DM to each of 500 members, 2 ms apart
        assert pacer.reserve(f"D{member}") == 0.0
        time.now += 0.002
    for _ in range(5):
        pacer.reserve("DBUSY")  # a member's busy conversation: three free, then paced
    assert pacer.reserve("DBUSY") == pytest.approx(3.0)

    time.now += 2.9  # the fan-out's buckets have refilled; the busy one has not
    pacer.reserve("DOTHER")
    assert pacer.channels_remembered == 2  # the busy channel and the one just sent to
    with pytest.raises(PacingTimeout):
        pacer.reserve("DBUSY", max_wait=1.0)  # still owes its queue


def test_a_forgotten_channel_starts_again_with_its_full_burst() -> None:
    time = Stopwatch()
    pacer = Pacer(per_channel=1.0, channel_burst=3.0, workspace=1000.0, clock=time)
    for _ in range(3):
        assert pacer.reserve("DADA") == 0.0
    assert pacer.reserve("DADA") > 0.0
    time.now += 60.0
    pacer.reserve("DBEN")  # any send tidies up
    assert pacer.channels_remembered == 1
    assert [pacer.reserve("DADA") for _ in range(3)] == [0.0, 0.0, 0.0]
