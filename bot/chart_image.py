"""`/progress` as a picture: weekly counts over 12 weeks, the goal line, practice and stories.

matplotlib is imported inside `weekly_png`, never at module import: start-up does not
pay for it (about half a second), only the first chart does. The object API (`Figure`
with the Agg canvas) keeps no global pyplot state, so charts can be drawn in a worker
thread (`asyncio.to_thread`) without blocking the event loop.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class WeeklyChart:
    """What the picture shows; one entry per week, oldest first."""

    weeks: Sequence[date]
    counts: dict[str, Sequence[int | None]]
    """Label ("applications") -> that count per week; None for a missed or unasked week."""
    goal: Sequence[int | None]
    """The week's goal as a total of the counts it names; None where none was set."""
    practice: Sequence[int]
    """Days with practice in the week."""
    stories: Sequence[int]
    """Days a story was built or changed in the week."""
    missed: Sequence[bool]


def weekly_png(chart: WeeklyChart) -> bytes:
    """The chart as PNG bytes (about 800x500 pixels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5), dpi=100)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    x = list(range(len(chart.weeks)))
    labels = [f"{w.day} {w:%b}" for w in chart.weeks]
    base = [0] * len(x)
    for name, values in chart.counts.items():
        heights = [v or 0 for v in values]
        top.bar(x, heights, bottom=base, label=name)
        base = [b + h for b, h in zip(base, heights, strict=True)]
    goal_x = [i for i, g in zip(x, chart.goal, strict=True) if g is not None]
    if goal_x:
        goal_y = [g for g in chart.goal if g is not None]
        top.plot(
            goal_x, goal_y, color="black", linestyle="--", marker="_", markersize=22, label="goal"
        )
    for i, missed in zip(x, chart.missed, strict=True):
        if missed:
            top.text(i, 0.2, "missed", rotation=90, ha="center", va="bottom", fontsize=8)
    top.set_ylabel("actions a week")
    top.set_title("Your job search, week by week")
    if chart.counts or goal_x:
        top.legend(fontsize=7, ncols=3, loc="upper left")
    width = 0.4
    bottom.bar([i - width / 2 for i in x], chart.practice, width, label="practice days")
    bottom.bar([i + width / 2 for i in x], chart.stories, width, label="story days")
    bottom.set_ylabel("days")
    bottom.set_ylim(0, max([*chart.practice, *chart.stories, 1]) + 1)
    bottom.legend(fontsize=7, loc="upper left")
    bottom.set_xticks(x, labels, rotation=45, fontsize=8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
