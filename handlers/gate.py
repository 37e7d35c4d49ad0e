"""Before any handler: who is this, which language, and may they do anything yet."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from core.domain import TelegramProfile
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.privacy.policy import POLICY_OPEN_COMMANDS, ask

# What a person may do before finishing onboarding (or after losing access).
OPEN_COMMANDS = frozenset({"/start", "/help", "/language", "/cancel"})


async def identify(update: Update, ctx: BotContext) -> None:
    """Load the actor once per update and stop updates they may not send yet."""
    await load_actor(update, ctx, fresh=False)
    if not ctx.has_actor:
        return
    actor = ctx.actor
    if update.inline_query is not None:
        if _staff_on_client_bot(ctx):  # no organization's data through another's bot
            await update.inline_query.answer([], cache_time=0, is_personal=True)
            raise ApplicationHandlerStop
        return
    if _staff_on_client_bot(ctx):
        await _refuse(
            update,
            ctx,
            ctx.t(
                "This is the business's bot for its clients. Staff work in @{bot}.",
                bot=ctx.application.bot.username,
            ),
        )
    if actor.membership is None:  # a business's client, or someone opening a client's link
        from handlers.client_loop.chat import client_chat

        if await client_chat(update, ctx):
            raise ApplicationHandlerStop
    if not actor.user.onboarded and not _onboarding_input(update, ctx):
        await _refuse(update, ctx, ctx.t("Let's get you set up first: send /start."))
    if actor.membership is not None and not actor.membership.active and not _is_start(update):
        await _refuse(
            update,
            ctx,
            ctx.t(
                "Your access to this organization was revoked. Ask its owner if this is a mistake."
            ),
        )
    policy = actor.policy
    unanswered = policy is not None and (policy.pending or policy.declined)
    if unanswered and actor.user.onboarded and not _policy_input(update):
        assert policy is not None
        await ask(update, ctx, policy)
        raise ApplicationHandlerStop


def _staff_on_client_bot(ctx: BotContext) -> bool:
    """A staff member writing to an organization's own bot that is not theirs to work in:
    one for clients only, or another organization's (docs/own-bot.md)."""
    scope = ctx.scope if ctx.in_update else None
    if scope is None or not scope.bot or ctx.actor.membership is None:
        return False
    org = ctx.actor.organization
    return not scope.bot_staff or org is None or org.id != scope.bot_org


def profile_of(update: Update) -> TelegramProfile | None:
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    return TelegramProfile(
        telegram_id=user.id,
        first_name=user.first_name or "",
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


async def load_actor(update: Update, ctx: BotContext, fresh: bool = True) -> None:
    """Who sent the update; `fresh=False` takes the one found as it arrived, if any."""
    scope = ctx.scope if not fresh and ctx.in_update else None
    if scope is not None:
        actor = scope.actor
    else:
        profile = profile_of(update)
        actor = None if profile is None else await ctx.services.users.identify(profile)
    if actor is None:
        ctx.set_actor(None)
        return
    ctx.set_actor(actor, actor.user.preferred_language(ctx.bot_data.catalogs.default))


def _command(update: Update) -> str | None:
    message = update.effective_message
    text = message.text if message is not None and update.callback_query is None else None
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower()


def _is_start(update: Update) -> bool:
    return _command(update) == "/start"


def _onboarding_input(update: Update, ctx: BotContext) -> bool:
    command = _command(update)
    if command is not None:
        return command in OPEN_COMMANDS
    query = update.callback_query
    if query is not None:
        return (query.data or "").startswith("d:onboarding:")
    return update.effective_message is not None


# Taps a person who has not accepted the policy in force may still make: the answer itself,
# and the confirmation (or cancelling) of deleting their account.
POLICY_OPEN_TAPS = ("pv:pa:", "er:me", "er:no")


def _policy_input(update: Update) -> bool:
    command = _command(update)
    if command is not None:
        return command in POLICY_OPEN_COMMANDS
    query = update.callback_query
    if query is not None:
        return (query.data or "").startswith(POLICY_OPEN_TAPS)
    return False


async def _refuse(update: Update, ctx: BotContext, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
    else:
        await reply(ctx, update, text)
    raise ApplicationHandlerStop
