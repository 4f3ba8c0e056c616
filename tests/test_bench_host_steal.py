"""The fan-out benchmark says how much of the machine the host took around each long wait
(`bench/host_steal.py`): the share is read over the samples around the wait."""

from __future__ import annotations

from bench.host_steal import HostSteal


def _sampled(*samples: tuple[float, int, int]) -> HostSteal:
    steal = HostSteal()
    for at, stolen, total in samples:
        steal.record(at, stolen, total)
    return steal


def test_a_short_wait_is_read_over_the_samples_around_it() -> None:
    # 0.0-0.1 s: nothing stolen; 0.1-0.2 s: 30 of 100 ticks; 0.2-0.3 s: nothing.
    steal = _sampled((0.0, 0, 0), (0.1, 0, 100), (0.2, 30, 200), (0.3, 30, 300))
    assert steal.share(0.12, 0.15) == 0.3
    assert steal.share(0.05, 0.15) == 30 / 200
    assert steal.overall() == 30 / 300


def test_a_wait_past_the_last_sample_uses_the_last_stretch() -> None:
    steal = _sampled((0.0, 0, 0), (0.1, 5, 100))
    assert steal.share(0.2, 0.25) == 0.05


def test_without_samples_it_says_nothing() -> None:
    steal = HostSteal()
    assert not steal.available
    assert steal.share(0.0, 1.0) is None
    assert steal.overall() is None
