"""A series in words, in the reader's language: "every Tuesday, 09:00, until 31.03" /
"по вторникам, 09:00, до 31.03". Times are the rule's own wall-clock time, which is the
organization's local time whatever its zone (docs/recurring.md)."""

from __future__ import annotations

from datetime import date, datetime

from core.recurring.model import Series, SeriesState
from core.recurring.rules import Rule
from handlers.i18n import N_, NP_, Translator

# The context "series weekday": Russian uses the form after «по» («по вторникам»).
DAYS = {
    1: NP_("series weekday", "Monday"),
    2: NP_("series weekday", "Tuesday"),
    3: NP_("series weekday", "Wednesday"),
    4: NP_("series weekday", "Thursday"),
    5: NP_("series weekday", "Friday"),
    6: NP_("series weekday", "Saturday"),
    7: NP_("series weekday", "Sunday"),
}
STATES = {SeriesState.PAUSED: N_("paused"), SeriesState.ENDED: N_("ended")}
# What the history of an order says for a series' events (handlers/orders/history.py).
SERIES_EVENTS = {
    "series_made": N_("made it repeat"),
    "series_skip": N_("skipped this visit of the series"),
    "series_paused": N_("paused the series"),
    "series_resumed": N_("resumed the series"),
    "series_ended": N_("ended the series"),
    "series_split": N_("changed this and the following visits"),
    "series_zone": N_("kept the visit's time in the organization's new time zone"),
}


def day_list(t: Translator, days: tuple[int, ...]) -> str:
    names = [t.pt(*DAYS[d]) for d in days]
    if len(names) == 1:
        return names[0]
    return t("{days} and {last}", days=", ".join(names[:-1]), last=names[-1])


def _how_often(t: Translator, rule: Rule) -> str:
    n = rule.interval
    if rule.freq == "daily":
        return t("every day") if n == 1 else t.n("every {count} day", "every {count} days", n)
    if rule.freq == "monthly":
        day = rule.start.day
        if n == 1:
            return t("every month on day {day}", day=day)
        return t.n(
            "every {count} month on day {day}", "every {count} months on day {day}", n, day=day
        )
    days = day_list(t, rule.weekdays or (rule.start.isoweekday(),))
    if n == 1:
        return t("every {days}", days=days)
    return t.n("every {count} week on {days}", "every {count} weeks on {days}", n, days=days)


def short_date(day: date, today: date | None) -> str:
    return f"{day:%d.%m}" if today is None or day.year == today.year else f"{day:%d.%m.%Y}"


def describe(t: Translator, series: Series, now: datetime | None = None) -> str:
    """How often, at what time, until when; and whether the series is paused or ended."""
    rule = series.rule
    parts = [_how_often(t, rule), rule.at.strftime("%H:%M")]
    if rule.until is not None:
        today = now.date() if now is not None else None
        parts.append(t("until {day}", day=short_date(rule.until, today)))
    elif rule.count is not None:
        parts.append(t.n("{count} visit", "{count} visits", rule.count))
    text = ", ".join(parts)
    if series.state in STATES:
        text += f" ({t.raw(STATES[series.state])})"
    return text
