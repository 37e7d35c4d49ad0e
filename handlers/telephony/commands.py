"""/calls (today's calls, filtered), /telephony (the owner's PBX settings, a member's
extension) and the buttons on call messages: call back, create an order, add the client,
attach the call to an order."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.clients.flows import NEW_CLIENT
from core.domain import Order
from core.orders.new_order_flow import NEW_ORDER
from core.telephony.settings import TelephonyStatus
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import drop_keyboard, reply
from handlers.formatting import when
from handlers.i18n import N_, NP_, Translator, escape
from handlers.keyboards import button, column, rows
from handlers.orders.cards import STATUS
from handlers.outcomes import show
from handlers.telephony.alerts import refresh_alerts
from handlers.telephony.render import call_line, number, who

CONFIRM = N_(
    "Recording calls is allowed only where the law permits it, and callers must be told (for "
    "example, by a message at the start of the call). Do you confirm that this holds for your "
    "organization?"
)
FILTERS: dict[cb.CallFilter, tuple[str, str]] = {
    "all": NP_("call list", "All"),
    "missed": NP_("call list", "Missed"),
    "unknown": NP_("call list", "Unknown numbers"),
}


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def calls_command(update: Update, ctx: BotContext) -> None:
    text, markup = await _calls(ctx, "all")
    await reply(ctx, update, text, markup)


async def calls_filter(update: Update, ctx: BotContext, tap: cb.CallsFilter) -> None:
    """Switches the list in place."""
    query = update.callback_query
    assert query is not None
    text, markup = await _calls(ctx, tap.kind)
    await query.answer()
    await edit_tapped(ctx, query, text, markup)


async def _calls(ctx: BotContext, kind: cb.CallFilter) -> tuple[str, InlineKeyboardMarkup]:
    t = ctx.t
    views = await ctx.services.calls.today(ctx.actor, kind == "missed", kind == "unknown")
    label = t.pt(*FILTERS[kind])
    header = t("<b>Calls today</b> ({filter}): {count}", filter=label, count=len(views))
    lines = [header, *(call_line(t, v) for v in views)] if views else [header, t("No calls.")]
    buttons = [
        button(("✓ " if key == kind else "") + t.pt(*name), cb.CallsFilter(key))
        for key, name in FILTERS.items()
    ]
    return "\n".join(lines), rows(buttons, 3)


async def call_back(update: Update, ctx: BotContext, tap: cb.CallBack) -> None:
    """The first manager to tap takes the call-back on; everyone's alert says so."""
    query = update.callback_query
    assert query is not None
    claim = await ctx.services.call_actions.claim_callback(ctx.actor, tap.call_id)
    view = claim.view
    if not claim.mine:
        taken = view.callback.display_name if view.callback else "?"
        await query.answer(ctx.t.raw("{name} is already calling back.").format(name=taken))
        return
    await query.answer()
    await refresh_alerts(ctx.bot, ctx.services, ctx.bot_data.catalogs, view)
    text = ctx.t("☎️ Call {who}: {phone}", who=who(ctx.t, view), phone=number(ctx.t, view.call))
    await reply(ctx, update, text)


async def call_order(update: Update, ctx: BotContext, tap: cb.CallOrder) -> None:
    """/neworder with the client and, from a summary, the work and address."""
    query = update.callback_query
    assert query is not None
    data = await ctx.services.call_actions.order_data(ctx.actor, tap.call_id)
    await query.answer()
    prompt = await ctx.services.dialogs.start(ctx.actor, _chat(update), NEW_ORDER, data)
    await show(update, ctx, prompt)


async def call_new_client(update: Update, ctx: BotContext, tap: cb.CallNewClient) -> None:
    """/newclient with the caller's number."""
    query = update.callback_query
    assert query is not None
    data = await ctx.services.call_actions.new_client_data(ctx.actor, tap.call_id)
    await query.answer()
    prompt = await ctx.services.dialogs.start(ctx.actor, _chat(update), NEW_CLIENT, data)
    await show(update, ctx, prompt)


async def call_attach(update: Update, ctx: BotContext, tap: cb.CallAttach) -> None:
    """Which of the client's open orders?"""
    query = update.callback_query
    assert query is not None
    call_id = tap.call_id
    view, orders = await ctx.services.call_actions.open_orders(ctx.actor, call_id)
    await query.answer()
    zone = view.organization.timezone
    buttons = [
        button(_order_label(ctx.t, o, zone), cb.CallAttachPick(call_id, o.id)) for o in orders
    ]
    await reply(ctx, update, ctx.t("Which order is this call about?"), column(buttons))


def _order_label(t: Translator, order: Order, zone: str) -> str:
    moment = when(t, order.scheduled_at, zone) if order.scheduled_at else "—"
    return f"№{order.number} · {STATUS[order.status][0]} {moment}"


async def call_attach_pick(update: Update, ctx: BotContext, tap: cb.CallAttachPick) -> None:
    """The summary goes into the order's history."""
    query = update.callback_query
    assert query is not None
    order = await ctx.services.call_actions.attach(ctx.actor, tap.call_id, tap.order_id)
    await query.answer(ctx.t.raw("Attached."))
    await drop_keyboard(ctx, query)
    await reply(
        ctx, update, ctx.t("The call is attached to order №{number}.", number=order.number)
    )


async def telephony(update: Update, ctx: BotContext) -> None:
    """`/telephony` (owners): the webhook URL and the switches; `/telephony ext 101`: mine."""
    args = ctx.args or []
    if args and args[0].casefold() in ("ext", "доб"):
        extension = await ctx.services.telephony.set_extension(
            ctx.actor, args[1] if len(args) > 1 else ""
        )
        await reply(ctx, update, ctx.t("Calls on extension {ext} are now yours.", ext=extension))
        return
    status = await ctx.services.telephony.status(ctx.actor)
    await reply(ctx, update, status_text(ctx.t, status), status_keyboard(ctx.t, status))


def status_text(t: Translator, status: TelephonyStatus) -> str:
    account = status.account
    lines = [
        t("<b>Telephony</b> (Zadarma)"),
        t("Webhook URL for “PBX call notifications” in Zadarma's personal account:"),
        f"<code>{escape(status.webhook_url)}</code>",
    ]
    if status.has_credentials:
        lines.append(t("🔑 API keys: set."))
    else:
        lines.append(t("🔑 API keys: not set. Enter them on the admin page (/admin)."))
    if account.recording_enabled and account.recording_confirmed_at is not None:
        lines.append(t("🎙 Call recording: on (lawfulness confirmed by the owner)."))
    else:
        lines.append(t("🎙 Call recording: off."))
    lines.append(
        t("📝 Transcripts and summaries: on.")
        if account.transcription_enabled
        else t("📝 Transcripts and summaries: off.")
    )
    if not status.can_transcribe:
        lines.append(t("Speech recognition is not configured for this deployment."))
    lines.append(t("Each manager sends /telephony ext 101 with their own extension."))
    return "\n".join(lines)


def status_keyboard(t: Translator, status: TelephonyStatus) -> InlineKeyboardMarkup:
    account = status.account
    recording = account.recording_enabled
    label = t.raw("🎙 Turn recording off") if recording else t.raw("🎙 Turn recording on")
    buttons = [button(label, cb.Recording("off" if recording else "on"))]
    if recording:
        on = account.transcription_enabled
        label = t.raw("📝 Turn transcripts off") if on else t.raw("📝 Turn transcripts on")
        buttons.append(button(label, cb.Transcripts("off" if on else "on")))
    return column(buttons)


async def telephony_action(
    update: Update, ctx: BotContext, tap: cb.Recording | cb.Transcripts
) -> None:
    """Recording on asks for the owner's confirmation, `yes` records it; recording off and
    transcripts on or off switch directly."""
    query = update.callback_query
    assert query is not None
    value = tap.value
    service = ctx.services.telephony
    if isinstance(tap, cb.Recording) and value == "on":
        await query.answer()
        confirm = column([button(ctx.t.raw("✅ I confirm"), cb.Recording("yes"))])
        await reply(ctx, update, ctx.t(CONFIRM), confirm)
        return
    if isinstance(tap, cb.Recording):
        await service.set_recording(ctx.actor, value == "yes", confirmed=value == "yes")
    else:
        await service.set_transcription(ctx.actor, value == "on")
    await query.answer(ctx.t.raw("Saved."))
    await drop_keyboard(ctx, query)
    status = await service.status(ctx.actor)
    await reply(ctx, update, status_text(ctx.t, status), status_keyboard(ctx.t, status))
