"""Deleting and pausing, each behind a confirmation: /forget (a client's personal data),
/deleteme (one's account), /deleteorg (the organization, restorable for 30 days),
/deactivate and /reactivate (read-only, no notifications, no billing)."""

from __future__ import annotations

from babel.dates import format_date
from telegram import CallbackQuery, InlineKeyboardMarkup, Update

from core.permissions import Action, require
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.publish import refresh_menu
from handlers.delivery.replies import reply
from handlers.formatting import phone
from handlers.i18n import Translator
from handlers.keyboards import button, column


def _confirm(t: Translator, label: str, action: cb.Action) -> InlineKeyboardMarkup:
    return column([button(label, action), button(t.raw("Cancel"), cb.EraseConfirm("no"))])


async def forget(update: Update, ctx: BotContext) -> None:
    """`/forget <name or phone>`: pick the client whose personal data is to be erased."""
    t = ctx.t
    require(ctx.actor, Action.CLIENT_ERASE)
    text = " ".join(ctx.args or [])
    if not text.strip():
        await reply(ctx, update, t("Whose data should be erased? For example: /forget Иванов"))
        return
    page = await ctx.services.clients.find(ctx.actor, text)
    if not page.items:
        await reply(ctx, update, t("No client matches “{query}”.", query=text[:100]))
        return
    buttons = [
        button(f"{v.name} · {phone(v.phones[0])}" if v.phones else v.name, cb.EraseAsk(v.id))
        for v in page.items
    ]
    await reply(ctx, update, t("Whose personal data should be erased?"), column(buttons))


async def delete_me(update: Update, ctx: BotContext) -> None:
    t = ctx.t
    text = t(
        "Delete your account? Your name and Telegram details are erased and you leave every "
        "organization. What you did in them (orders, payments, notes) stays, without your "
        "name. This cannot be undone."
    )
    await reply(ctx, update, text, _confirm(t, t.raw("Delete my account"), cb.EraseConfirm("me")))


async def delete_org(update: Update, ctx: BotContext) -> None:
    t, actor = ctx.t, ctx.actor
    require(actor, Action.ORG_DELETE)
    assert actor.organization is not None
    text = t(
        "Delete <b>{org}</b>? Nobody can use it from now on. For 30 days you can restore it "
        "from /privacy; then every client, order, file and record of it is purged for good. "
        "Export it first with /export if you need a copy.",
        org=actor.organization.name,
    )
    label = t("Delete {org}", org=actor.organization.name)
    await reply(ctx, update, text, _confirm(t, label, cb.EraseConfirm("org")))


async def deactivate(update: Update, ctx: BotContext) -> None:
    t, actor = ctx.t, ctx.actor
    require(actor, Action.ORG_DELETE)
    assert actor.organization is not None
    text = t(
        "Deactivate <b>{org}</b>? Everything stays and can be viewed, but nothing can be "
        "changed, no notifications are sent and no billing happens until you /reactivate it.",
        org=actor.organization.name,
    )
    await reply(ctx, update, text, _confirm(t, t.raw("Deactivate"), cb.EraseConfirm("off")))


async def reactivate(update: Update, ctx: BotContext) -> None:
    changed = await ctx.services.erasure.set_active(ctx.actor, True)
    if changed:
        await reply(
            ctx, update, ctx.t("The organization is active again. All data is as you left it.")
        )
    else:
        await reply(ctx, update, ctx.t("The organization is already active."))


async def erasure_action(
    update: Update, ctx: BotContext, tap: cb.EraseAsk | cb.EraseClient | cb.EraseConfirm
) -> None:
    """`EraseAsk` asks about a client, `EraseClient` erases; `EraseConfirm` does what its
    command asked (`no` cancels)."""
    query = update.callback_query
    assert query is not None
    if isinstance(tap, cb.EraseAsk):
        await _ask_client(update, ctx, query, tap.client_id)
        return
    await query.answer()
    if isinstance(tap, cb.EraseClient):
        files = await ctx.services.erasure.erase_client(ctx.actor, tap.client_id)
        text = ctx.t.n(
            "Erased. Their orders stay, anonymised; {count} file is being removed from storage.",
            "Erased. Their orders stay, anonymised; {count} files are being removed from storage.",
            files,
        )
    elif tap.what == "me":
        text = await _delete_me(ctx)
    elif tap.what == "org":
        text = await _delete_org(ctx)
    elif tap.what == "off":
        await ctx.services.erasure.set_active(ctx.actor, False)
        text = ctx.t("Deactivated. Send /reactivate to resume.")
    else:
        text = ctx.t("Nothing was changed.")
    await edit_tapped(ctx, query, text)


async def _ask_client(
    update: Update, ctx: BotContext, query: CallbackQuery, client_id: int
) -> None:
    t = ctx.t
    require(ctx.actor, Action.CLIENT_ERASE)
    card = await ctx.services.clients.card(ctx.actor, client_id)
    await query.answer()
    text = t(
        "Erase <b>{name}</b>? Their name, phones, address, notes, files and voice notes are "
        "deleted for good; their orders stay, anonymised, for your accounts.",
        name=card.view.name,
    )
    await reply(ctx, update, text, _confirm(t, t.raw("Erase for good"), cb.EraseClient(client_id)))


async def _delete_me(ctx: BotContext) -> str:
    actor = ctx.actor
    await ctx.services.erasure.delete_account(actor)
    await refresh_menu(ctx, actor.user.telegram_id, None, onboarded=False, t=ctx.t)
    return ctx.t("Your account was deleted. Send /start if you ever want to come back.")


async def _delete_org(ctx: BotContext) -> str:
    t = ctx.t
    pending = await ctx.services.erasure.delete_org(ctx.actor)
    return t(
        "<b>{org}</b> is deleted. You can restore it from /privacy until {date}; after that "
        "it is purged for good.",
        org=pending.organization.name,
        date=format_date(pending.purge_at.date(), "long", locale=t.locale),
    )
