"""/client, /newclient, client cards and their buttons, and inline-mode lookup."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update

from core.permissions import Action, allowed
from core.services.client_flows import CLIENT_EDIT, CLIENT_MERGE, NEW_CLIENT
from core.services.new_order import NEW_ORDER
from handlers.client_publish import send_client
from handlers.context import BotContext
from handlers.formatting import phone
from handlers.i18n import escape
from handlers.keyboards import button, column
from handlers.outcomes import show
from handlers.replies import reply

FIELDS = ("name", "phone", "address", "notes")


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def find(update: Update, ctx: BotContext) -> None:
    """`/client <anything>`: any fragment of a name or of any phone number."""
    text = " ".join(ctx.args or [])
    if not text.strip():
        await reply(
            update,
            ctx.t("Whom are you looking for? For example: /client Иванов or /client 916 12"),
        )
        return
    page = await ctx.services.clients.find(ctx.actor, text)
    if not page.items and not allowed(ctx.actor.role, Action.CLIENT_CONTACTS_ANY):
        await reply(
            update, ctx.t("No client of your current orders matches “{query}”.", query=text[:100])
        )
        return
    if not page.items:
        await reply(update, ctx.t("No client matches “{query}”.", query=text[:100]))
        return
    buttons = [button(_label(v.name, v.phones), "c", v.id) for v in page.items]
    header = ctx.t.n("Found {count} client:", "Found {count} clients:", len(page.items))
    if page.pages > 1:
        header += "\n" + ctx.t("Showing the first ones; add more to the query to narrow it.")
    await reply(update, header, column(buttons))


def _label(name: str, phones: tuple[str, ...]) -> str:
    return f"{name} · {phone(phones[0])}" if phones else name


async def new_client(update: Update, ctx: BotContext) -> None:
    await show(update, ctx, await ctx.services.dialogs.start(ctx.actor, _chat(update), NEW_CLIENT))


async def open_client(update: Update, ctx: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await send_client(update, ctx, int((query.data or "").split(":")[1]))


async def client_action(update: Update, ctx: BotContext) -> None:
    """`ce:<id>:<field>` edit, `cm:<id>` merge, `cn:<id>` new order for this client."""
    query = update.callback_query
    assert query is not None
    kind, client_id, *rest = (query.data or "").split(":")
    await ctx.services.clients.card(ctx.actor, int(client_id))  # still there, still visible
    await query.answer()
    if kind == "ce" and rest and rest[0] in FIELDS:
        flow, data = CLIENT_EDIT, {"client_id": int(client_id), "field": rest[0]}
    elif kind == "cm":
        flow, data = CLIENT_MERGE, {"client_id": int(client_id)}
    else:
        flow, data = NEW_ORDER, {"client_pick": client_id, "resolved": True, "candidates": []}
    await show(update, ctx, await ctx.services.dialogs.start(ctx.actor, _chat(update), flow, data))


async def inline_lookup(update: Update, ctx: BotContext) -> None:
    """`@bot query` in any chat: matching clients, for managers and owners only."""
    query = update.inline_query
    assert query is not None
    found = await ctx.services.clients.inline(ctx.actor, query.query) if ctx.has_actor else []
    results = [
        InlineQueryResultArticle(
            id=str(v.id),
            title=v.name,
            description=", ".join(phone(p) for p in v.phones) or (v.address or ""),
            input_message_content=InputTextMessageContent(
                _shared_card(v.name, v.phones, v.address), parse_mode="HTML"
            ),
        )
        for v in found
    ]
    await query.answer(results, cache_time=0, is_personal=True)


def _shared_card(name: str, phones: tuple[str, ...], address: str | None) -> str:
    lines = [f"👤 <b>{escape(name)}</b>", *(f"📞 {escape(phone(p))}" for p in phones)]
    if address:
        lines.append("📍 " + escape(address))
    return "\n".join(lines)
