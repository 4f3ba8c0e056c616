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


def week_bars(
    rows: list[tuple[str, int | None, int | None, str]], width: int = BAR_WIDTH
) -> list[str]:
    """One line per week: `██████░░░░ 12 · Mon 30 Nov (goal 13)`, or the week's note.

    `rows` are (label, total or None, goal total or None, what to say without a total:
    "missed", "no check-in"); bars are scaled to the largest total or goal, so the goal
    and the result compare at a glance. A missed week never reads as zero.
    """
    top = max([v for _, t, g, _ in rows for v in (t, g) if v is not None] or [1])
    lines = []
    for label, total, goal, note in rows:
        if total is None:
            lines.append(f"{EMPTY * width} –  · {label} {note}")
            continue
        target = f" (goal {goal})" if goal is not None else ""
        lines.append(f"{bar(total, top, width)} {total} · {label}{target}")
    return lines
