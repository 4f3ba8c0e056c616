"""Counting the passes of the event loop, for tests that bound what one pass runs."""

from __future__ import annotations

import asyncio
from typing import Any


class LoopPasses:
    """While entered, `now` is the number of passes the running loop has begun.

    It wraps the loop's own pass (`_run_once`, CPython's selector loop) on this loop object
    only: a task that counts passes by yielding runs somewhere inside a pass, so work
    before and after it in the same pass would read as two passes."""

    def __init__(self) -> None:
        self.now = 0
        self._loop: Any = None

    async def __aenter__(self) -> LoopPasses:
        loop: Any = asyncio.get_running_loop()
        run_once = loop._run_once

        def counted() -> None:
            self.now += 1
            run_once()

        loop._run_once = counted
        self._loop = loop
        return self

    async def __aexit__(self, *exc: object) -> None:
        del self._loop._run_once  # the class's method again
