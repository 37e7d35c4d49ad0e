"""The client page's "Move the visit" (issue 19, item 5): the free times as a list of choices
in one form, posted to `/c/<token>/move` (bot.admin.client_page), and what the move came to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from starlette.background import BackgroundTask

from bot.admin.html import Safe, SafeText, esc, join, tag
from bot.outbox import LEASE, OutboxSender
from core.client_loop.answers import Answer, Outcome, minutes
from core.runtime.outbox import Delivery, Stored
from core.services import Services
from handlers.client_loop.confirm import queue_client_message
from handlers.delivery.outgoing import Outgoing
from handlers.formatting import when
from handlers.i18n import N_, Catalogs
from storage.update_work import UpdateWork

UNHELD = "~client-page"  # a holder nobody is: the first sender to look takes the rows

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


async def tell_moved(
    catalogs: Catalogs, services: Services, moved: Outcome, outgoing: Outgoing
) -> None:
    """The client's message about the move, in the request's unit of work, as after any
    move: by SMS or e-mail a job; in Telegram the message and its .ics collected in
    `outgoing`, which the route writes to the outbox in the same transaction
    (`to_outbox`)."""
    assert moved.order is not None
    order, was = moved.order, moved.was
    await queue_client_message(services, catalogs, outgoing, order, "reschedule", was)


async def to_outbox(
    work: UpdateWork, deliveries: Sequence[Delivery], sender: OutboxSender | None, now: datetime
) -> list[Stored]:
    """Write the request's Telegram deliveries to the outbox in its transaction: held by
    this process's sender (it sends them once the request has committed, `deliver`), or,
    in an admin process without a bot, left for any bot process's sender to take over at
    its next look (within a minute)."""
    if not deliveries:
        return []
    if sender is not None:
        return await work.uow.outbox.add(deliveries, sender.owner, now, LEASE)
    return await work.uow.outbox.add(deliveries, UNHELD, now, timedelta(0))


def deliver(sender: OutboxSender | None, stored: list[Stored]) -> BackgroundTask | None:
    """Send after the answer (the request's transaction has committed by then)."""
    if sender is None or not stored:
        return None
    return BackgroundTask(sender.deliver, stored)
