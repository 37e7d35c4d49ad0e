"""The settings page's "Working hours" form (issue 19, item 5): one row per weekday with its
opening and closing time or "Closed", posted to `/settings/working-hours` like the page's
other forms (the session's CSRF token, one unit of work, a refusal shown on the page with
nothing saved). Clients may move a visit only into these hours (`core.client_loop.slots`);
the same setting is read and written by `GET/PUT /api/settings/working-hours`."""

from __future__ import annotations

from starlette.datastructures import FormData

from bot.admin.html import Safe, SafeText, button, checkbox, field, form, join, tag
from core.client_loop.slots import WorkingHours
from core.domain import Actor
from core.notifications.schedule import hhmm
from core.services import Services
from handlers.weekdays import WEEKDAY_NAMES, weekday_name

PATH = "/settings/working-hours"
TYPED_MAX = 16  # characters of a time field read (a time is 5)


def section(t: SafeText, csrf: str, hours: WorkingHours) -> Safe:
    """The form: each day's times (a closed day shows the usual ones, to open it again)."""
    rows = []
    for day in WEEKDAY_NAMES:
        today = hours.on(day)
        opens, closes = today if today is not None else (hours.start, hours.end)
        cells = join([
            tag("legend", weekday_name(t.translator, day)),
            field(t("Opens"), f"start_{day}", hhmm(opens), "time"),
            field(t("Closes"), f"end_{day}", hhmm(closes), "time"),
            checkbox(t("Closed"), f"closed_{day}", today is None),
        ])  # fmt: skip
        rows.append(tag("fieldset", cells, data_testid=f"day-{day}"))
    hint = tag(
        "p",
        t("Clients can move a visit only to a free hour within these hours."),
        class_="muted",
    )
    body = form(
        PATH, csrf, *rows, button(t("Save working hours"), "save-working-hours"),
        testid="working-hours",
    )  # fmt: skip
    return tag("section", join([tag("h2", t("Working hours")), hint, body]), id="working-hours")


def week_of(submitted: FormData) -> dict[int, tuple[str, str] | None]:
    """Each weekday's typed times, or None when it is marked closed."""

    def text(name: str) -> str:
        value = submitted.get(name)
        return value[:TYPED_MAX] if isinstance(value, str) else ""

    return {
        day: None if text(f"closed_{day}") else (text(f"start_{day}"), text(f"end_{day}"))
        for day in WEEKDAY_NAMES
    }


async def save(services: Services, actor: Actor, submitted: FormData) -> None:
    """The page's action (`bot.admin.pages._apply`): the week saved in one unit of work, or
    a DomainError shown on the page (a wrong day is named: `handlers.errors.describe`)."""
    await services.client_answers.set_week(actor, week_of(submitted))
