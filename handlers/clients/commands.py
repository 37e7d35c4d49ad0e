"""/client, /newclient, client cards and their buttons, and inline-mode lookup."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)

from core.clients.flows import NEW_CLIENT
from core.dialogs.client_data import ClientEditData, ClientMergeData
from core.dialogs.company_data import ClientCompanyData
from core.dialogs.data import NewOrderData
from core.dialogs.engine import DialogData
from core.permissions import Action, allowed
from core.views import ClientView, Page
from handlers import callbacks as cb
from handlers.clients.prompts import REQUEST_KINDS
from handlers.clients.publish import balance_line, send_client
from handlers.context import BotContext
from handlers.delivery.edits import edit_buttons, edit_tapped
from handlers.delivery.replies import reply
from handlers.formatting import phone
from handlers.i18n import Translator, escape
from handlers.keyboards import button
from handlers.orders.cards import client_keyboard, client_text
from handlers.outcomes import show
from handlers.privacy.exports import client_package


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def find(update: Update, ctx: BotContext) -> None:
    """`/client <anything>`: any fragment of a name or of any phone number."""
    text = " ".join(ctx.args or [])
    if not text.strip():
        await reply(
            ctx,
            update,
            ctx.t("Whom are you looking for? For example: /client Иванов or /client 916 12"),
        )
        return
    page = await ctx.services.clients.find(ctx.actor, text)
    if not page.items and not allowed(ctx.actor.role, Action.CLIENT_CONTACTS_ANY):
        await reply(
            ctx,
            update,
            ctx.t("No client of your current orders matches “{query}”.", query=text[:100]),
        )
        return
    if not page.items:
        await reply(ctx, update, ctx.t("No client matches “{query}”.", query=text[:100]))
        return
    await reply(ctx, update, *_results(ctx.t, text, page))


async def find_more(update: Update, ctx: BotContext, tap: cb.ClientSearch) -> None:
    """The next (or previous) page of a search, in the same message."""
    query = update.callback_query
    assert query is not None
    text = tap.query
    page = await ctx.services.clients.find(ctx.actor, text, tap.page)
    await query.answer()
    await edit_tapped(ctx, query, *_results(ctx.t, text, page))


def _results(t: Translator, text: str, page: Page[ClientView]) -> tuple[str, InlineKeyboardMarkup]:
    """A page of matches, a button each; "More" while there are more and the query fits in a
    button's data (a longer one is asked to be narrowed instead)."""
    rows = [[button(_label(v.name, v.phones), cb.OpenClient(v.id))] for v in page.items]
    header = t.n("Found {count} client:", "Found {count} clients:", len(page.items))
    back = _page_button("◀️", text, page.page - 1) if page.page > 0 else None
    more = None
    if page.page + 1 < page.pages:
        more = _page_button(t.raw("More ▶️"), text, page.page + 1)
        if more is None:
            header += "\n" + t("Showing the first ones; add more to the query to narrow it.")
    nav = [b for b in (back, more) if b is not None]
    return header, InlineKeyboardMarkup([*rows, nav] if nav else rows)


def _page_button(label: str, text: str, page: int) -> InlineKeyboardButton | None:
    try:
        return button(label, cb.ClientSearch(page, text))
    except ValueError:  # over the 64 bytes of callback data (or not printable)
        return None


def _label(name: str, phones: tuple[str, ...]) -> str:
    return f"{name} · {phone(phones[0])}" if phones else name


async def new_client(update: Update, ctx: BotContext) -> None:
    await show(update, ctx, await ctx.services.dialogs.start(ctx.actor, _chat(update), NEW_CLIENT))


async def open_client(update: Update, ctx: BotContext, tap: cb.OpenClient) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    actor = ctx.actor
    if not allowed(actor.role, Action.CLIENT_EDIT):
        await send_client(update, ctx, tap.client_id)
        return
    card = await ctx.services.clients.card(actor, tap.client_id)
    org = actor.organization
    assert org is not None
    invite = not await ctx.services.client_loop.linked(actor, tap.client_id)
    text = client_text(ctx.t, card, org.currency, org.timezone)
    text += await balance_line(ctx, tap.client_id)
    email = await ctx.services.client_loop.email_of(actor, tap.client_id)
    if email is not None:
        text += "\n" + ctx.t("📧 E-mail: {email}", email=email)
    await reply(ctx, update, text, client_keyboard(ctx.t, card, True, invite))


async def rights_tap(update: Update, ctx: BotContext, tap: cb.ClientRights) -> None:
    """ "🔒 Data rights" and its Back: the card's buttons change in place."""
    query = update.callback_query
    assert query is not None
    actor = ctx.actor
    if not allowed(actor.role, Action.CLIENT_EDIT):
        await query.answer()
        return
    card = await ctx.services.clients.card(actor, tap.client_id)
    invite = not await ctx.services.client_loop.linked(actor, tap.client_id)
    markup = client_keyboard(ctx.t, card, True, invite, rights=bool(tap.open))
    await query.answer()
    await edit_buttons(ctx, query, markup)


async def client_action(
    update: Update, ctx: BotContext, tap: cb.ClientEdit | cb.ClientMerge | cb.ClientNewOrder
) -> None:
    """Edit a field, merge a duplicate, or a new order for this client."""
    query = update.callback_query
    assert query is not None
    client_id = tap.client_id
    await ctx.services.clients.card(ctx.actor, client_id)  # still there, still visible
    await query.answer()
    if isinstance(tap, cb.ClientEdit) and tap.field == "company":
        data: DialogData = ClientCompanyData(client_id=client_id)
    elif isinstance(tap, cb.ClientEdit):
        data = ClientEditData(client_id=client_id, field=str(tap.field))
    elif isinstance(tap, cb.ClientMerge):
        data = ClientMergeData(client_id=client_id)
    else:
        data = NewOrderData(client_pick=str(client_id), resolved=True, candidates=())
    prompt = await ctx.services.dialogs.start(ctx.actor, _chat(update), data.flow, data)
    await show(update, ctx, prompt)


async def lift_restriction(update: Update, ctx: BotContext, tap: cb.ClientUnrestrict) -> None:
    """ "Lift restriction" on a restricted card: processing resumes; audited."""
    query = update.callback_query
    assert query is not None
    await ctx.services.clients.lift_restriction(ctx.actor, tap.client_id)
    await query.answer()
    await reply(ctx, update, ctx.t("Restriction lifted: the client's data is processed again."))
    await send_client(update, ctx, tap.client_id)


async def objection(update: Update, ctx: BotContext, tap: cb.ClientObjection) -> None:
    """The client objects to automated processing (or withdraws it): no transcripts or AI
    summaries of their calls; audited."""
    query = update.callback_query
    assert query is not None
    await ctx.services.clients.lift_restriction(ctx.actor, tap.client_id, bool(tap.on))
    await query.answer()
    await send_client(update, ctx, tap.client_id)


async def request_kinds(update: Update, ctx: BotContext, tap: cb.ClientRequests) -> None:
    """ "📨 Data request": which right the client asks to exercise."""
    query = update.callback_query
    assert query is not None
    await ctx.services.clients.card(ctx.actor, tap.client_id)  # still there, still visible
    await query.answer()
    rows = [
        [button(ctx.t.raw(label), cb.ClientEdit(tap.client_id, f"request_{kind}"))]  # type: ignore[arg-type]
        for kind, label in REQUEST_KINDS.items()
    ]
    text = ctx.t("Which right does the client ask to exercise?")
    await reply(ctx, update, text, InlineKeyboardMarkup(rows))


async def package(update: Update, ctx: BotContext, tap: cb.ClientPackage) -> None:
    """ "📦 Data package": everything held about this client, as a ZIP here."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await client_package(update, ctx, tap.client_id)


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
                _shared_card(v.name, v.phones, v.address)
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
