"""/services (issue 20, item 3): the organization's services and materials for owners and
managers: the list, "➕ Service" / "➕ Material" (one line: name; unit; price; VAT), an item's
"✏️ Price", "🗄 Archive" and "♻️ Restore". Workers are refused (`catalogue.manage`); they pick
items on site from "➕ Add line"."""

from __future__ import annotations

from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.catalogue.model import CatalogueItem, ItemKind, vat_label
from core.dialogs.catalogue_data import ServiceNewData, ServicePriceData
from core.errors import DomainError
from core.outcomes import Outcome, ServiceSaved
from core.permissions import Action, allowed
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.formatting import money
from handlers.i18n import Translator, escape
from handlers.keyboards import button

LISTED = 40  # items with a button each; the rest are in the admin page


def _require(ctx: BotContext) -> None:
    if not allowed(ctx.actor.role, Action.CATALOGUE_MANAGE):
        raise DomainError("forbidden", action="services")


def item_line(t: Translator, item: CatalogueItem, currency: str) -> str:
    """'Замена смесителя — 1 500 ₽ / шт · VAT 20%' (plain text)."""
    unit = f" / {item.unit}" if item.unit else ""
    vat = (
        t.raw("no VAT")
        if item.vat_bp is None
        else t.raw("VAT {rate}").format(rate=vat_label(item.vat_bp))
    )
    kind = "🔩 " if item.kind is ItemKind.MATERIAL else "🛠 "
    archived = " 🗄" if item.archived else ""
    return f"{kind}{item.name} — {money(t, item.price_minor, currency)}{unit} · {vat}{archived}"


def _currency(ctx: BotContext) -> str:
    org = ctx.actor.organization
    return org.currency if org is not None else "RUB"


async def _listing(
    ctx: BotContext, show: Literal["active", "all"]
) -> tuple[str, InlineKeyboardMarkup]:
    t = ctx.t
    items = await ctx.services.catalogue.items(ctx.actor, archived=show == "all")
    lines = [t("<b>Services and materials</b>")]
    if not items:
        lines.append(t("None yet. Add the services and materials you sell with their prices."))
    lines += [escape(item_line(t, i, _currency(ctx))) for i in items]
    rows: list[list[InlineKeyboardButton]] = []
    shown = [button(i.name, cb.ServiceOpen(i.id)) for i in items[:LISTED]]
    rows += [shown[i : i + 2] for i in range(0, len(shown), 2)]
    rows.append(
        [
            button(t.raw("➕ Service"), cb.ServiceAdd("s")),
            button(t.raw("➕ Material"), cb.ServiceAdd("m")),
        ]
    )
    other: Literal["active", "all"] = "active" if show == "all" else "all"
    label = t.raw("Hide archived") if show == "all" else t.raw("Show archived")
    rows.append([button(label, cb.ServiceList(other))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def services_command(update: Update, ctx: BotContext) -> None:
    _require(ctx)
    text, markup = await _listing(ctx, "active")
    await reply(ctx, update, text, markup)


async def list_tap(update: Update, ctx: BotContext, tap: cb.ServiceList) -> None:
    query = update.callback_query
    assert query is not None
    _require(ctx)
    text, markup = await _listing(ctx, tap.show)
    await query.answer()
    await edit_tapped(ctx, query, text, markup)


def _item_view(
    t: Translator, item: CatalogueItem, currency: str
) -> tuple[str, InlineKeyboardMarkup]:
    text = escape(item_line(t, item, currency))
    archive = (
        button(t.raw("♻️ Restore"), cb.ServiceAct(item.id, "r"))
        if item.archived
        else button(t.raw("🗄 Archive"), cb.ServiceAct(item.id, "a"))
    )
    rows = [
        [button(t.raw("✏️ Price"), cb.ServiceAct(item.id, "p")), archive],
        [button(t.raw("⬅️ All services"), cb.ServiceList("active"))],
    ]
    return text, InlineKeyboardMarkup(rows)


async def open_tap(update: Update, ctx: BotContext, tap: cb.ServiceOpen) -> None:
    query = update.callback_query
    assert query is not None
    _require(ctx)
    item = await ctx.services.catalogue.item(ctx.actor, tap.item_id)
    await query.answer()
    await edit_tapped(ctx, query, *_item_view(ctx.t, item, _currency(ctx)))


async def act_tap(update: Update, ctx: BotContext, tap: cb.ServiceAct) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    _require(ctx)
    if tap.what == "p":
        data = ServicePriceData(item_id=tap.item_id)
        prompt = await ctx.services.dialogs.start(
            ctx.actor, update.effective_chat.id, "service_price", data
        )
        await query.answer()
        await _show(update, ctx, prompt)
        return
    item = await ctx.services.catalogue.archive(ctx.actor, tap.item_id, archived=tap.what == "a")
    await query.answer(ctx.t.raw("Archived.") if item.archived else ctx.t.raw("Restored."))
    await edit_tapped(ctx, query, *_item_view(ctx.t, item, _currency(ctx)))


async def add_tap(update: Update, ctx: BotContext, tap: cb.ServiceAdd) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    _require(ctx)
    kind = ItemKind.MATERIAL if tap.kind == "m" else ItemKind.SERVICE
    data = ServiceNewData(kind=kind.value)
    prompt = await ctx.services.dialogs.start(
        ctx.actor, update.effective_chat.id, "service_new", data
    )
    await query.answer()
    await _show(update, ctx, prompt)


async def _show(update: Update, ctx: BotContext, prompt: Outcome) -> None:
    from handlers.outcomes import show  # the outcomes render this module's ServiceSaved

    await show(update, ctx, prompt)


async def service_saved(update: Update, ctx: BotContext, saved: ServiceSaved) -> None:
    """One message: the list, headed by what was saved."""
    text, markup = await _listing(ctx, "active")
    done = ctx.t("Saved: {name}.", name=saved.name)
    await reply(ctx, update, f"{done}\n\n{text}", markup)
