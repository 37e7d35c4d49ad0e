"""The map page: today's orders as a list and on a map, the Yandex map when the organization
(or the deployment) has a key, drawn by coordinates otherwise; the drawing stays inside the
map's box until the Yandex map replaces it, so a blocked or failing API still shows points."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.admin.day_map.drawing import drawing
from bot.admin.html import Safe, SafeText, join, page, tag
from core.day_map.model import DayMap
from handlers.errors import STATUS_WORDS

STYLESHEET, SCRIPT = "/map/map.css", "/map/map.js"
YANDEX_LANG = {"ru": "ru_RU", "en": "en_US"}


def _points(t: SafeText, day: DayMap) -> str:
    """What map.js puts on the Yandex map: [latitude, longitude] first, as API 2.1 takes it."""
    found: list[dict[str, object]] = [
        {
            "kind": "order",
            "at": [o.latitude, o.longitude],
            "label": str(o.number),
            "hint": f"№{o.number} {o.address or ''}".strip(),
            "status": o.status,
        }
        for o in day.orders
        if o.placed
    ]
    found += [
        {
            "kind": "worker",
            "at": [w.latitude, w.longitude],
            "label": w.worker,
            "hint": t.translator(
                "{name} on the way to №{number}", name=w.worker, number=w.order_number
            ),
            "status": "worker",
        }
        for w in day.workers
    ]
    return json.dumps(found, ensure_ascii=False)


def _rows(t: SafeText, day: DayMap, zone: str) -> Safe:
    head = tag(
        "tr",
        join(
            tag("th", h)
            for h in (
                t("Order"),
                t("Planned at"),
                t("Client"),
                t("Address"),
                t("Assigned to"),
                t("Status"),
            )
        ),
    )
    rows = [head]
    for o in day.orders:
        when = o.scheduled_at.astimezone(ZoneInfo(zone)) if o.scheduled_at else None
        status = STATUS_WORDS.get(o.status)
        address = o.address or "—"
        cells = [
            str(o.number),
            format_time(when, "HH:mm", locale=t.locale) if when else "—",
            o.client or "—",
            address
            if o.placed
            else join(
                [address, " ", tag("span", t("(not on the map: no coordinates)"), class_="muted")]
            ),
            o.assignee or "—",
            t.translator.raw(status) if status else o.status,
        ]
        rows.append(tag("tr", join(tag("td", c) for c in cells), data_order=o.number))
    return tag("table", join(rows), data_testid="map-orders")


def map_page(
    t: SafeText, org: str, zone: str, today_local: date, day: DayMap, owner: bool = True
) -> str:
    title = t("Today's orders on the map")
    box = tag(
        "div",
        drawing(day, title),
        id="map",
        class_="map-box",
        data_key=day.maps_key,
        data_lang=YANDEX_LANG.get(t.locale, "en_US"),
        data_points=_points(t, day) if day.maps_key else None,
    )
    hint = (
        t("The Yandex map loads with your organization's key.")
        if day.maps_key
        else t(
            "Without a Yandex Maps key the points are drawn by their coordinates; "
            "add the key in Settings for the Yandex map."
        )
    )
    legend = tag(
        "p",
        join(
            [
                tag("span", "●", class_="dot"),
                " ",
                t("orders"),
                "  ",
                tag("span", "■", class_="square"),
                " ",
                t("workers on their way"),
            ]
        ),
        class_="muted",
    )
    day_text = format_date(today_local, "d MMMM", locale=t.locale)
    body = join(
        [
            tag(
                "section", join([tag("p", day_text), box, legend, tag("p", hint, class_="muted")])
            ),
            tag("section", _rows(t, day, zone)),
        ]
    )
    html = page(t, title, body, org, owner)
    head = f'<link rel="stylesheet" href="{STYLESHEET}">'
    if day.maps_key:
        head += f'<script src="{SCRIPT}" defer></script>'
    return html.replace("</head>", head + "</head>", 1)
