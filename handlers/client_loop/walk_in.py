"""Someone who writes to an organization's own bot is its client (docs/own-bot.md, Walk-in
clients): the business's bot speaks for that business alone, so a person who is not its staff
is never walked through making an organization there. A person with no link to the
organization yet (they found the bot, nobody invited them) gets a client card of their
Telegram name, linked to their account, and one message: the business's welcome, that what
they wrote was passed on (or what to write), and the question whether order updates may come
here. From then on they are a linked client like an invited one."""

from __future__ import annotations

from telegram import Update

from core.client_loop.model import Purpose
from core.team.onboarding import ONBOARDING
from handlers.client_loop.relay import pass_on, passed_on
from handlers.client_loop.welcome import (
    consent_keyboard,
    consent_question,
    set_client_menu,
    welcome_text,
)
from handlers.context import BotContext
from handlers.delivery.replies import reply


async def own_bot_client(
    update: Update, ctx: BotContext, command: str | None, argument: str | None
) -> int | None:
    """The organization whose own bot this update came through, when its sender is to be
    answered as that organization's client: not its staff (a member of another organization
    is refused before), and not joining its staff through a bot the staff use too (an
    invitation's /start, and the onboarding that follows it)."""
    scope = ctx.scope if ctx.in_update else None
    if scope is None or not scope.bot or scope.bot_org is None:
        return None
    actor = ctx.actor
    if actor.membership is not None:
        return None
    if scope.bot_staff and not actor.user.onboarded:
        if command == "/start" and argument is not None:
            return None
        chat = update.effective_chat
        state = await ctx.services.dialogs.current(actor, chat.id) if chat is not None else None
        if state is not None and state.flow == ONBOARDING:
            return None
    return scope.bot_org


async def first_contact(update: Update, ctx: BotContext, org_id: int, command: str | None) -> None:
    """A person's first update through the organization's bot: linked as its client, then
    welcomed in one message (a button from elsewhere is only answered)."""
    t, query = ctx.t, update.callback_query
    if query is not None:
        await query.answer(t.raw("This button is not for you."))
        return
    user = update.effective_user
    name = " ".join(part for part in (user.first_name, user.last_name) if part) if user else ""
    service = ctx.services.client_loop
    await service.walk_in(ctx.actor.user, org_id, name)
    links = await service.client_of(ctx.actor.user.id)
    org = next(o for _, o in links if o.id == org_id)
    lines = [welcome_text(t, org, None), ""]
    if command is None and await pass_on(update, ctx):
        lines.append(passed_on(t))
    else:
        lines.append(
            t(
                "Write what you need here, as a text or a photo, and it will be passed on to "
                "{org}. The answer will come here.",
                org=org.name,
            )
        )
    lines += ["", consent_question(t)]
    keyboard = consent_keyboard(t, org.id, Purpose.TRANSACTIONAL)
    await reply(ctx, update, "\n".join(lines), keyboard)
    await set_client_menu(ctx, ctx.actor.user.telegram_id, t)
