"""The client page's "Move the visit" (issue 19, item 5): the free times as a list of choices
in one form, posted to `/c/<token>/move` (bot.admin.client_page), and what the move came to."""

from __future__ import annotations

from datetime import datetime

from bot.admin.html import Safe, SafeText, esc, join, tag
from core.client_loop.answers import Answer, Outcome, minutes
from core.services import Services
from handlers.formatting import money, when
from handlers.i18n import N_, Catalogs

MOVE_ANSWERS = {
    Answer.MOVED: N_("Done: your visit is moved. The new time is below."),
    Answer.TAKEN: N_("Sorry, that time has just been taken. Please choose another one."),
    Answer.CLOSED: N_("This order can no longer be changed here."),
    Answer.ALREADY_CANCELLED: N_("This order is already cancelled."),
    Answer.CHANGED: N_("The order has just changed. Please look at it again."),
    Answer.OUTDATED: N_("The order has just changed. Please look at it again."),
}


def move_section(
    t: SafeText, times: list[datetime], zone: str, action: str, hidden: dict[str, str]
) -> Safe:
    """A form with one radio button per free time (none: a line saying so)."""
    if not times:
        return tag("section", tag("p", t("No free times in the next 7 days."), class_="muted"))
    inputs = join(
        Safe(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">')
        for name, value in hidden.items()
    )
    choices = join(
        tag(
            "label",
            join([
                Safe(f'<input type="radio" name="to" value="{minutes(at)}" required> '),
                when(t.translator, at, zone),
            ]),
            data_testid=f"time-{i}",
        )
        for i, at in enumerate(times)
    )  # fmt: skip
    title = tag("h1", t("Move the visit"))
    submit = tag("button", t("Move to the chosen time"), type="submit", data_testid="move")
    form = tag("form", join([inputs, choices, submit]), method="post", action=f"{action}/move")
    return tag("section", join([title, form]), data_testid="move-section")


async def tell_moved(catalogs: Catalogs, services: Services, moved: Outcome) -> None:
    """The client's message about the move, in the request's unit of work, by SMS or e-mail
    (a client linked in Telegram who moves the visit on the page sees it there and gets no
    Telegram message from the page: those go through the bot's outbox)."""
    assert moved.order is not None
    service = services.client_loop
    draft = await service.order_message(moved.order, "reschedule", catalogs.default, moved.was)
    if draft is None or draft.telegram:
        return
    price = draft.view.price_minor
    t = catalogs.get(draft.language)
    amount = money(t, price, draft.view.currency) if price is not None else None
    await service.queue_elsewhere(draft, amount)
