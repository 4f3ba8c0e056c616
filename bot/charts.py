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
