"""The map without a Yandex key: today's orders and the workers on their way drawn as an SVG
by their coordinates (core/day_map/model.layout), nothing fetched from anywhere. Each order
links to its place on Yandex Maps (a link needs no key)."""

from __future__ import annotations

from bot.admin.html import Safe, join, tag
from core.day_map.model import DayMap
from core.day_map.model import layout as place
from core.maps import map_link

WIDTH, HEIGHT = 800, 480


def drawing(day: DayMap, title: str) -> Safe:
    orders = [o for o in day.orders if o.placed]
    points = [(o.latitude or 0.0, o.longitude or 0.0) for o in orders]
    points += [(w.latitude, w.longitude) for w in day.workers]
    spots = place(points, WIDTH, HEIGHT)
    parts = [tag("rect", x=0, y=0, width=WIDTH, height=HEIGHT, class_="ground")]
    for i in range(1, 8):
        x = WIDTH * i / 8
        parts.append(tag("line", x1=f"{x:.0f}", y1=0, x2=f"{x:.0f}", y2=HEIGHT, class_="grid"))
    for i in range(1, 5):
        y = HEIGHT * i / 5
        parts.append(tag("line", x1=0, y1=f"{y:.0f}", x2=WIDTH, y2=f"{y:.0f}", class_="grid"))
    for order, (x, y) in zip(orders, spots, strict=False):
        mark = join(
            [
                tag("title", f"№{order.number} {order.address or ''}".strip()),
                tag("circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r=11, class_=f"order {order.status}"),
                tag("text", order.number, x=f"{x:.1f}", y=f"{y + 4:.1f}", class_="number"),
            ]
        )
        link = map_link(order.address, order.latitude, order.longitude)
        parts.append(
            tag("a", mark, href=link, target="_blank", rel="noopener", data_order=order.number)
        )
    for worker, (x, y) in zip(day.workers, spots[len(orders) :], strict=False):
        parts.append(
            join(
                [
                    tag(
                        "rect",
                        tag("title", f"{worker.worker} → №{worker.order_number}"),
                        x=f"{x - 8:.1f}",
                        y=f"{y - 8:.1f}",
                        width=16,
                        height=16,
                        class_="worker",
                        data_worker=worker.worker,
                    ),
                    tag("text", worker.worker, x=f"{x + 12:.1f}", y=f"{y + 4:.1f}", class_="who"),
                ]
            )
        )
    return tag(
        "svg",
        join([tag("title", title), *parts]),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        width=WIDTH,
        height=HEIGHT,
        role="img",
        aria_label=title,
        class_="day-map",
        data_testid="map-drawing",
    )
