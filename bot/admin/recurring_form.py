"""The settings page's "Recurring visits" form (issue 20, item 1; docs/recurring.md): how many
days ahead the visits of recurring series are made (the organization setting
`recurring_days`), posted to `/settings/recurring-days` like the page's other forms (the
session's CSRF token, one unit of work, a refusal shown on the page with nothing saved). The
same setting is read and written by `GET/PUT /api/settings/recurring-days`."""

from __future__ import annotations

from starlette.datastructures import FormData

from bot.admin.html import Safe, SafeText, button, field, form, join, tag
from core.domain import Actor
from core.errors import DomainError
from core.recurring.model import MAX_HORIZON
from core.services import Services

PATH = "/settings/recurring-days"
TYPED_MAX = 8  # characters of the field read (a valid value has at most 3)


def section(t: SafeText, csrf: str, days: int) -> Safe:
    """The form with the current horizon."""
    hint = tag(
        "p",
        t(
            "Visits of recurring orders are made this many days ahead (1 to {limit}).",
            limit=MAX_HORIZON,
        ),
        class_="muted",
    )
    box = field(
        t("Days ahead"), "recurring_days", days, "number", min=1, max=MAX_HORIZON, required=True
    )
    body = form(PATH, csrf, box, button(t("Save"), "save-recurring-days"), testid="recurring")
    title = tag("h2", t("Recurring visits"))
    return tag("section", join([title, hint, body]), id="recurring-days")


def days_of(submitted: FormData) -> int:
    """The typed number of days; anything else is the range's refusal."""
    value = submitted.get("recurring_days")
    typed = value[:TYPED_MAX].strip() if isinstance(value, str) else ""
    if not typed.isascii() or not typed.isdigit():
        raise DomainError("series_horizon_range", limit=MAX_HORIZON)
    return int(typed)


async def save(services: Services, actor: Actor, submitted: FormData) -> None:
    """The page's action (`bot.admin.pages._apply`): the horizon saved and audited, or a
    DomainError shown on the page."""
    await services.series.set_horizon(actor, days_of(submitted))
