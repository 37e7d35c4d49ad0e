"""Rendering what a use case returned, shared by commands, free text and button taps."""

from __future__ import annotations

from telegram import Update

from core.dialogs.data import chosen_language
from core.domain import Role
from core.outcomes import (
    AwaySaved,
    Cancelled,
    ChecklistAnswered,
    ChecklistItemAdded,
    ClientMessaged,
    ClientSaved,
    Declined,
    HoursSaved,
    InviteFailed,
    Joined,
    LanguageChanged,
    NoDialog,
    OrderChanged,
    OrderCreated,
    OrganizationCreated,
    Outcome,
    ProfileSaved,
    Prompt,
    QuoteSent,
    Reask,
    RefundRequested,
    SeriesChanged,
    SeriesStarted,
    ServiceSaved,
    Welcome,
)
from handlers.availability import away_saved, hours_saved, warn_assigned
from handlers.checklists import item_added
from handlers.client_loop.refunds import refund_requested
from handlers.client_loop.staff_message import CHANNELS, client_messaged
from handlers.clients.publish import send_client
from handlers.context import BotContext
from handlers.delivery.publish import notify_user, refresh_menu
from handlers.delivery.replies import reply
from handlers.errors import describe
from handlers.flow_prompts import render_prompt
from handlers.i18n import N_, Translator
from handlers.orders.checklist import checklist_answered
from handlers.orders.publish import announce, publish_change, send_card
from handlers.profile import profile_saved
from handlers.prompts import PromptEnv
from handlers.quotes.sent import quote_sent
from handlers.recurring.shown import series_changed, series_started
from handlers.services import service_saved

ROLE_NAMES = {Role.OWNER: N_("owner"), Role.MANAGER: N_("manager"), Role.WORKER: N_("worker")}


def role_name(t: Translator, role: Role) -> str:
    return t.raw(ROLE_NAMES[role])


def prompt_env(ctx: BotContext, update: Update) -> PromptEnv:
    user = update.effective_user
    code = (user.language_code or "") if user else ""
    suggested = "ru" if code.lower().startswith("ru") else "en"
    org = ctx.actor.organization if ctx.has_actor else None
    currency = org.currency if org else "RUB"
    return PromptEnv(
        ctx.bot_data.privacy_policy_url, ctx.services.clock.now(), suggested, currency
    )


async def show(update: Update, ctx: BotContext, outcome: Outcome) -> None:
    """Reply with whatever the outcome calls for, in the actor's (possibly new) language."""
    t = ctx.t
    match outcome:
        case Prompt(state) | Reask(state, _):
            language = chosen_language(state)
            tt = ctx.translator(language) if language else t
            text, markup = render_prompt(tt, state, prompt_env(ctx, update))
            if isinstance(outcome, Reask):  # one message: what was wrong, then the question
                text = describe(tt, outcome.error) + "\n\n" + text
            await reply(ctx, update, text, markup)
        case NoDialog():
            await reply(
                ctx, update, t("I did not understand that. Send /help to see what I can do.")
            )
        case Cancelled(flow):
            await reply(ctx, update, t("Cancelled.") if flow else t("There is nothing to cancel."))
        case Declined(reason):
            await _declined(update, ctx, t, reason)
        case Welcome(org, role, first):
            await _welcome(update, ctx, t, org.name if org else None, role, first)
        case OrganizationCreated(org, categories):
            await _created(update, ctx, t, org.name, categories)
        case Joined():
            await _joined(update, ctx, outcome)
        case InviteFailed(error):
            hint = t("You can ask for a new link, or send /start to create your own organization.")
            await reply(ctx, update, describe(t, error) + "\n" + hint)
        case OrderCreated(order_id, _, client_created, assigned):
            await _order_created(update, ctx, order_id, client_created)
            if assigned is not None:  # the card shows the assignee: tell only them
                await announce(ctx, assigned)
                await warn_assigned(update, ctx, assigned.card.order)  # busy or away then
        case OrderChanged(change):
            await publish_change(ctx, change)
            await reply(ctx, update, t("Saved: order №{number}.", number=change.card.order.number))
        case ClientSaved(client_id, _, merged, confirmed):
            if merged:
                await reply(ctx, update, t("Merged “{name}” into this card.", name=merged))
            if confirmed is not None:  # the one message confirming the restriction
                await client_messaged(update, ctx, confirmed)
                how = CHANNELS.get(confirmed.channel, "Telegram")
                told = t("The client is told once that processing is restricted ({channel}).",
                         channel=how)  # fmt: skip
                await reply(ctx, update, told)
            await send_client(update, ctx, client_id)
        case ProfileSaved():
            await profile_saved(update, ctx, outcome)
        case LanguageChanged():
            await reply(ctx, update, t("Done. I will speak English from now on."))
        case ClientMessaged():
            await client_messaged(update, ctx, outcome)
        case ServiceSaved():
            await service_saved(update, ctx, outcome)
        case ChecklistAnswered():
            await checklist_answered(update, ctx, outcome)
        case ChecklistItemAdded():
            await item_added(update, ctx, outcome)
        case SeriesStarted():
            await series_started(update, ctx, outcome)
        case SeriesChanged():
            await series_changed(update, ctx, outcome)
        case RefundRequested():
            await refund_requested(update, ctx, outcome)
        case HoursSaved():
            await hours_saved(update, ctx, outcome)
        case AwaySaved():
            await away_saved(update, ctx, outcome)
        case QuoteSent():
            await quote_sent(update, ctx, outcome)


async def _declined(update: Update, ctx: BotContext, t: Translator, reason: str) -> None:
    if reason == "age":
        text = t("Sorry, this service is only for people aged 16 and older.")
    else:
        text = t(
            "Understood. Without accepting the privacy policy I cannot keep any of your data, "
            "so I cannot continue. You can send /start again at any time."
        )
    await reply(ctx, update, text)


async def _welcome(
    update: Update,
    ctx: BotContext,
    t: Translator,
    org: str | None,
    role: Role | None,
    first: bool = False,
) -> None:
    if org is None or role is None:
        await reply(ctx, update, t("Welcome back. Send /help to see what I can do."))
        return
    names = {"org": org, "role": role_name(t, role)}
    if first:
        text = t(
            "Welcome to <b>{org}</b> (role: {role}). Send /help to see what you can do.", **names
        )
    else:
        text = t(
            "Welcome back to <b>{org}</b> (role: {role}). Send /help to see what you can do.",
            **names,
        )
    await refresh_menu(ctx, ctx.actor.user.telegram_id, role, onboarded=True, t=t)
    await reply(ctx, update, text)


async def _created(
    update: Update, ctx: BotContext, t: Translator, name: str, categories: tuple[str, ...]
) -> None:
    text = t(
        "<b>{org}</b> is ready and you are its owner.\n"
        "Service categories: {categories}.\n\n"
        "Next: invite your team with /invite.",
        org=name,
        categories=", ".join(categories),
    )
    await refresh_menu(ctx, ctx.actor.user.telegram_id, Role.OWNER, onboarded=True, t=t)
    await reply(ctx, update, text)


async def _joined(update: Update, ctx: BotContext, joined: Joined) -> None:
    t = ctx.t
    role = role_name(t, joined.role)
    if joined.already_member:
        text = t(
            "You are already a member of <b>{org}</b>; it is now your active organization.",
            org=joined.organization.name,
        )
    else:
        text = t(
            "You joined <b>{org}</b> (role: {role}). Send /help to see what you can do.",
            org=joined.organization.name,
            role=role,
        )
    await refresh_menu(ctx, ctx.actor.user.telegram_id, joined.role, onboarded=True, t=t)
    await reply(ctx, update, text)
    if joined.inviter is not None and not joined.already_member:
        tt = ctx.translator(joined.inviter.preferred_language(ctx.bot_data.catalogs.default))
        note = tt(
            "{name} joined <b>{org}</b> (role: {role}).",
            name=ctx.actor.user.display_name,
            org=joined.organization.name,
            role=role_name(tt, joined.role),
        )
        await notify_user(ctx, joined.inviter.telegram_id, note)


async def _order_created(update: Update, ctx: BotContext, order_id: int, client_new: bool) -> None:
    card = await ctx.services.orders.card(ctx.actor, order_id)
    text = ctx.t("Order №{number} is created.", number=card.order.number)
    if card.assignee is not None:
        text = ctx.t(
            "Order №{number} is created and assigned to {name}.",
            number=card.order.number,
            name=card.assignee.display_name,
        )
    if client_new and card.client is not None:
        text += " " + ctx.t("New client “{name}” added.", name=card.client.name)
    await reply(ctx, update, text)
    assert update.effective_chat is not None
    await send_card(ctx, update.effective_chat.id, card)
