"""Weekday names as a label ("Monday" / "Понедельник"), by ISO weekday (Monday = 1)."""

from __future__ import annotations

from handlers.i18n import NP_, Translator

WEEKDAY_NAMES = {
    1: NP_("weekday", "Monday"),
    2: NP_("weekday", "Tuesday"),
    3: NP_("weekday", "Wednesday"),
    4: NP_("weekday", "Thursday"),
    5: NP_("weekday", "Friday"),
    6: NP_("weekday", "Saturday"),
    7: NP_("weekday", "Sunday"),
}


def weekday_name(t: Translator, day: int) -> str:
    return t.pt(*WEEKDAY_NAMES[day])
