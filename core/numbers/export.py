"""The Numbers page's CSV download, written like the data exports (core/privacy/export_format):
UTF-8 with a byte order mark, `;` and `,` for a Russian spreadsheet, `,` and `.` otherwise,
money in major units with two decimals. One row per figure: what, which, value."""

from __future__ import annotations

import csv
import io

from core.numbers.rules import share, tenths
from core.numbers.service import Report
from core.privacy.export_format import CSV_ENCODING, ExportLayout, money_cell


def report_rows(report: Report, layout: ExportLayout) -> list[list[str]]:
    f = report.facts

    def cash(minor: int) -> str:
        return money_cell(minor, layout)

    rows = [[f"metric ({report.currency})", "key", "value"]]
    rows += [["revenue_by_day", d.isoformat(), cash(v)] for d, v in report.revenue_by_day.items()]
    rows += [["revenue_by_method", m, cash(v)] for m, v in sorted(f.revenue.items())]
    rows.append(["revenue_total", "", cash(f.revenue_total)])
    rows.append(["orders_done", "", str(f.done)])
    for worker, done in report.done_by_worker:
        rows.append(["done_by_worker", _text(report.workers.get(worker, "?")), str(done)])
    total, count = report.rating
    average = tenths(total, count)
    shown = "" if average is None else f"{average // 10}{layout.decimal_mark}{average % 10}"
    rows += [["average_rating", "", shown], ["ratings", "", str(count)]]
    v = f.visits
    percent = share(v.on_time, v.timed)
    rows += [
        ["on_time_percent", "", "" if percent is None else str(percent)],
        ["on_time", "", str(v.on_time)],
        ["with_time", "", str(v.timed)],
        ["clients", "", str(v.clients)],
        ["returning_clients", "", str(v.repeat_clients)],
    ]
    return rows


def _text(value: str) -> str:
    """A name a spreadsheet must not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def report_csv(report: Report, layout: ExportLayout) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator="\r\n")
    writer.writerows(report_rows(report, layout))
    return buffer.getvalue().encode(CSV_ENCODING)
