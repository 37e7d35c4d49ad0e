"""When the person acted, as far as Telegram and our inbox tell (issue 20, item 9;
docs/work-times.md): a message carries its own `date` (`edit_date` for an edit); a tapped
button (a callback query) carries no time at all, so its time is when the update first came
into our inbox, which a restart or a backlog does not move. None: not known (the use case
then takes its clock's now)."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

from handlers.context import BotContext


def acted_at(update: Update, ctx: BotContext) -> datetime | None:
    if update.callback_query is not None:
        return ctx.scope.received_at if ctx.in_update else None
    if update.edited_message is not None:
        return _utc(update.edited_message.edit_date or update.edited_message.date)
    message = update.message
    return _utc(message.date) if message is not None else None


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.timestamp() <= 0:  # 0: an inaccessible message's date
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
