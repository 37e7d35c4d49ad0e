"""The Numbers page: the period's form, the headline figures, three charts and the CSV link,
in the reader's language and the organization's currency."""

from __future__ import annotations

from babel.dates import format_date

from bot.admin.html import Safe, SafeText, button, field, join, page, tag
from bot.admin.numbers.charts import Point, bars, columns, empty
from core.domain import PaymentMethod
from core.numbers.rules import share
from core.numbers.service import Report
from handlers.formatting import money
from handlers.notifications.digests import stars
from handlers.orders.cards import METHOD

STYLESHEET = "/numbers/numbers.css"


def _figure(label: str, value: str, testid: str) -> Safe:
    return tag(
        "div",
        join([tag("div", value, class_="figure", data_testid=testid), tag("div", label)]),
        class_="tile",
    )


def _figures(t: SafeText, report: Report) -> Safe:
    f, translator = report.facts, t.translator
    total, count = report.rating
    v = f.visits
    percent = share(v.on_time, v.timed)
    return tag(
        "div",
        join(
            [
                _figure(
                    t("Revenue"), money(translator, f.revenue_total, report.currency), "n-rev"
                ),
                _figure(t("Orders done"), str(f.done), "n-done"),
                _figure(
                    t("Average rating ({count})", count=count),
                    stars(translator, total, count) if count else "—",
                    "n-rating",
                ),
                _figure(
                    t("Done on time ({on_time} of {timed})", on_time=v.on_time, timed=v.timed),
                    "—" if percent is None else f"{percent}%",
                    "n-on-time",
                ),
                _figure(
                    t("Returning clients (of {clients})", clients=v.clients),
                    str(v.repeat_clients),
                    "n-repeat",
                ),
            ]
        ),
        class_="tiles",
    )


def _charts(t: SafeText, report: Report) -> Safe:
    translator, currency = t.translator, report.currency
    days = [
        Point(
            format_date(day, "d MMM", locale=t.locale), minor, money(translator, minor, currency)
        )
        for day, minor in report.revenue_by_day.items()
    ]
    methods = [
        Point(
            translator.raw(METHOD[PaymentMethod(m)]) if m in METHOD else m,
            minor,
            money(translator, minor, currency),
        )
        for m, minor in sorted(report.facts.revenue.items())
    ]
    workers = [
        Point(report.workers.get(w, "?"), done, str(done)) for w, done in report.done_by_worker
    ]
    nothing = t("Nothing in this period.")
    return join(
        [
            tag("h2", t("Revenue by day")),
            columns(t("Revenue by day"), days, "chart-days"),
            tag("h2", t("Revenue by payment method")),
            bars(t("Revenue by payment method"), methods, "chart-methods")
            if methods
            else empty(nothing),
            tag("h2", t("Orders done by worker")),
            bars(t("Orders done by worker"), workers, "chart-workers")
            if workers
            else empty(nothing),
        ]
    )


def numbers_page(t: SafeText, org: str, report: Report, owner: bool = True) -> str:
    first, last = report.first.isoformat(), report.last.isoformat()
    period = tag(
        "form",
        join(
            [
                field(t("From"), "from", first, "date", required=True),
                field(t("To"), "to", last, "date", required=True),
                button(t("Show"), "show"),
            ]
        ),
        method="get",
        action="/numbers",
        class_="period",
    )
    csv = tag(
        "a", t("Download CSV"), href=f"/numbers.csv?from={first}&to={last}", data_testid="csv"
    )
    hint = tag(
        "p",
        t("The same numbers as the digest in the bot, by the days of your time zone."),
        class_="muted",
    )
    body = join(
        [
            tag("section", join([period, hint, csv])),
            tag("section", _figures(t, report)),
            tag("section", _charts(t, report)),
        ]
    )
    html = page(t, t("Numbers"), body, org, owner)
    link = f'<link rel="stylesheet" href="{STYLESHEET}">'
    return html.replace("</head>", link + "</head>", 1)
