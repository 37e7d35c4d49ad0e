"""Server-rendered SVG bar charts: no script, no library, nothing for the CSP to allow. Every
label is escaped; sizes are computed here, colours come from the page's stylesheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.admin.html import Safe, esc, join, tag

WIDTH = 640
ROW = 26  # height of one horizontal bar's row
LABEL = 170  # width of the labels left of horizontal bars
PLOT = 180  # height of the columns' plot area


@dataclass(frozen=True, slots=True)
class Point:
    label: str  # under the column or left of the bar
    value: int  # what the size is proportional to
    shown: str  # the value as the reader reads it (money, a count)


def _svg(title: str, height: int, body: Safe, testid: str) -> Safe:
    return tag(
        "svg",
        join([tag("title", title), body]),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {height}",
        width=WIDTH,
        height=height,
        role="img",
        aria_label=title,
        class_="chart",
        data_testid=testid,
    )


def _rect(x: float, y: float, width: float, height: float, point: Point) -> Safe:
    shape = tag(
        "rect",
        tag("title", f"{point.label}: {point.shown}"),
        x=f"{x:.1f}",
        y=f"{y:.1f}",
        width=f"{width:.1f}",
        height=f"{height:.1f}",
        class_="bar",
        data_value=point.value,
    )
    return shape


def columns(title: str, points: Sequence[Point], testid: str) -> Safe:
    """Vertical columns (a value per day), the value above each and every label below when
    they fit (else every 7th)."""
    top = max((p.value for p in points), default=0) or 1
    step = (WIDTH - 20) / max(len(points), 1)
    every = 1 if len(points) <= 14 else 7
    parts = [tag("line", x1=10, y1=PLOT + 20, x2=WIDTH - 10, y2=PLOT + 20, class_="axis")]
    for i, point in enumerate(points):
        height = PLOT * max(point.value, 0) / top
        x = 10 + i * step + step * 0.15
        y = PLOT + 20 - height
        parts.append(_rect(x, y, step * 0.7, height, point))
        middle = f"{x + step * 0.35:.1f}"
        if point.value and len(points) <= 14:
            parts.append(tag("text", point.shown, x=middle, y=f"{y - 4:.1f}", class_="value"))
        if i % every == 0:
            parts.append(tag("text", point.label, x=middle, y=PLOT + 36, class_="label"))
    return _svg(title, PLOT + 44, join(parts), testid)


def bars(title: str, points: Sequence[Point], testid: str) -> Safe:
    """Horizontal bars (a value per method or worker), the label left and the value right."""
    top = max((p.value for p in points), default=0) or 1
    room = WIDTH - LABEL - 110
    parts = []
    for i, point in enumerate(points):
        y = 6 + i * ROW
        width = room * max(point.value, 0) / top
        parts.append(tag("text", point.label, x=LABEL - 8, y=y + 15, class_="name"))
        parts.append(_rect(LABEL, y, width, ROW - 8, point))
        parts.append(tag("text", point.shown, x=f"{LABEL + width + 6:.1f}", y=y + 15))
    return _svg(title, 12 + ROW * max(len(points), 1), join(parts), testid)


def empty(text: str) -> Safe:
    return tag("p", esc(text), class_="muted")
