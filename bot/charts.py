"""Plain-text charts: a fixed-width bar and a trend arrow, the same on every platform.

The bar comes first on a line, so lines up whatever the font, and no code block is needed.
Shared by the features that draw scores (progress, practice, quiz).
"""

from __future__ import annotations

BAR_WIDTH = 10
FULL, EMPTY = "█", "░"
TREND_MARGIN = 2
"""Score changes within this many points count as level (→)."""


def bar(value: float, total: float = 100, width: int = BAR_WIDTH) -> str:
    """A fixed-width bar, e.g. `██████░░░░` for 60 of 100."""
    share = 0.0 if total <= 0 else max(0.0, min(1.0, value / total))
    filled = round(share * width)
    return FULL * filled + EMPTY * (width - filled)


def trend_arrow(before: float, after: float) -> str:
    if after > before + TREND_MARGIN:
        return "↑"
    if after < before - TREND_MARGIN:
        return "↓"
    return "→"


def week_bars(rows: list[tuple[int | None, int | None, str]], width: int = BAR_WIDTH) -> list[str]:
    """One line per week: `██████░░░░ 6 · Mon 23 Nov · 3 applications…`, bar first.

    `rows` are (total or None, goal total or None, the week in words); bars are scaled to
    the largest total or goal, so the goal and the result compare at a glance. A week
    without a total (missed, never asked) gets an empty bar and a dash: never a zero.
    """
    top = max([v for t, g, _ in rows for v in (t, g) if v is not None] or [1])
    return [
        f"{EMPTY * width} –  · {words}"
        if total is None
        else f"{bar(total, top, width)} {total} · {words}"
        for total, _, words in rows
    ]
