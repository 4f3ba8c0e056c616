"""Full garbage collections wait while a fan-out sends.

CPython's full collection (its oldest generation) walks every tracked object that is not
frozen, in one go, on whichever thread allocated last: the event loop's. The start-up
objects are frozen (`bot.app.freeze_startup_objects`), but in the middle of a 09:00 fan-out
a full pass also walks everything the hundred sends in flight hold, and measured 8-19 ms of
a single turn of the loop, where the same pass costs 2-4 ms once the burst is over
(bench/README.md). Every member's command waited behind it.

So while a fan-out sends, the full pass waits: the oldest generation's threshold is raised
out of reach, and put back when the last fan-out ends. The young collections carry on as
usual, and they are what frees a send's garbage (it dies young). What waits is only
garbage that outlived two young passes: the next collection after the burst is the full
pass the burst put off, over a heap without the sends in flight.

Holds are counted, so two dispatchers in one process (tests, a replica per club) share
it; a threshold someone else changed meanwhile is left as they set it.
"""

from __future__ import annotations

import gc

OUT_OF_REACH = 1 << 30
"""The oldest generation's threshold while full collections wait (the count of young
collections it takes; a fan-out runs a few hundred)."""


class _Deferral:
    """The process-wide count of holders and the threshold they replaced."""

    def __init__(self) -> None:
        self.holders = 0
        self.saved: int | None = None

    def hold(self) -> None:
        self.holders += 1
        if self.holders == 1:
            young, middle, oldest = gc.get_threshold()
            if oldest != OUT_OF_REACH:
                self.saved = oldest
                gc.set_threshold(young, middle, OUT_OF_REACH)

    def release(self) -> None:
        self.holders -= 1
        if self.holders == 0 and self.saved is not None:
            young, middle, oldest = gc.get_threshold()
            if oldest == OUT_OF_REACH:
                gc.set_threshold(young, middle, self.saved)
            self.saved = None


_deferral = _Deferral()


def hold() -> None:
    """Make full collections wait until the matching `release`."""
    _deferral.hold()


def release() -> None:
    """End one `hold`; the last one puts the usual threshold back."""
    _deferral.release()


def deferred() -> bool:
    """Whether full collections are waiting now."""
    return _deferral.holders > 0
