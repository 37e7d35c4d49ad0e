"""/checklist (issue 20, item 7; docs/checklists.md): owners and managers define the checklist
of each kind of work in the chat: pick the kind, read its items, "➕ Add item" (text, required
or not, tick / number / photo, a number's unit) and "🗑" to remove one. Workers are refused
(`catalogue.manage`). The admin app's form and API edit the same lists."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.checklists.model import CategoryChecklist, ItemKind, NewItem
from core.checklists.rules import fingerprint
from core.dialogs.checklist_data import ChecklistItemData
from core.errors import DomainError
from core.outcomes import ChecklistItemAdded
from core.permissions import Action, allowed
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.i18n import Translator, escape
from handlers.keyboards import button

MARKS = {ItemKind.TICK: "☐", ItemKind.NUMBER: "🔢", ItemKind.PHOTO: "📷"}


def _require(ctx: BotContext) -> None:
    if not allowed(ctx.actor.role, Action.CATALOGUE_MANAGE):
        raise DomainError("forbidden", action="checklist")


def item_label(item: NewItem) -> str:
    """'🔢 Счётчик воды, м³ *' (plain text): the kind's mark, the text, the unit, `*` when
    required."""
    unit = f", {item.unit}" if item.unit else ""
    return f"{MARKS[item.kind]} {item.text}{unit}" + (" *" if item.required else "")


async def _categories(ctx: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    t = ctx.t
    found = await ctx.services.checklists.overview(ctx.actor)
    if not found:
        return t("The organization has no kinds of work yet."), None
    head = t("<b>☑️ Checklists</b>\nPick a kind of work (the number of items in brackets):")
    shown = [
        button(f"{f.category.name} ({len(f.items)})", cb.ChecklistCategory(f.category.id))
        for f in found
    ]
    return head, InlineKeyboardMarkup([shown[i : i + 2] for i in range(0, len(shown), 2)])


def category_view(t: Translator, found: CategoryChecklist) -> tuple[str, InlineKeyboardMarkup]:
    cid = found.category.id
    lines = [t("<b>☑️ Checklist of “{name}”</b>", name=found.category.name)]
    if not found.items:
        lines.append(t("No items yet: orders of this kind have no checklist."))
    lines += [f"{n}. {escape(item_label(i))}" for n, i in enumerate(found.items, start=1)]
    if found.items:
        lines.append(t("* required before Done. Orders made earlier keep their copy."))
    rows: list[list[InlineKeyboardButton]] = [
        [button(f"🗑 {n}. {i.text}"[:48], cb.ChecklistRemove(cid, i.id, fingerprint(i.text)))]
        for n, i in enumerate(found.items, start=1)
    ]
    rows.append(
        [
            button(t.raw("➕ Add item"), cb.ChecklistItemAdd(cid)),
            button(t.raw("⬅️ Kinds of work"), cb.ChecklistCategories()),
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def checklist_command(update: Update, ctx: BotContext) -> None:
    _require(ctx)
    await reply(ctx, update, *await _categories(ctx))


async def categories_tap(update: Update, ctx: BotContext, tap: cb.ChecklistCategories) -> None:
    query = update.callback_query
    assert query is not None
    _require(ctx)
    text, markup = await _categories(ctx)
    await query.answer()
    await edit_tapped(ctx, query, text, markup)


async def category_tap(update: Update, ctx: BotContext, tap: cb.ChecklistCategory) -> None:
    query = update.callback_query
    assert query is not None
    _require(ctx)
    found = await ctx.services.checklists.category(ctx.actor, tap.category_id)
    await query.answer()
    await edit_tapped(ctx, query, *category_view(ctx.t, found))


async def remove_tap(update: Update, ctx: BotContext, tap: cb.ChecklistRemove) -> None:
    query = update.callback_query
    assert query is not None
    _require(ctx)
    try:
        found = await ctx.services.checklists.remove(
            ctx.actor, tap.category_id, tap.item_id, tap.text_print
        )
    except DomainError as error:
        if error.code != "not_found":
            raise
        await query.answer(ctx.t.raw("This button is no longer valid."), show_alert=True)
        return
    await query.answer(ctx.t.raw("Removed."))
    await edit_tapped(ctx, query, *category_view(ctx.t, found))


async def add_tap(update: Update, ctx: BotContext, tap: cb.ChecklistItemAdd) -> None:
    from handlers.outcomes import show  # the outcomes render this module's answer

    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    _require(ctx)
    data = ChecklistItemData(category_id=tap.category_id)
    chat = update.effective_chat.id
    prompt = await ctx.services.dialogs.start(ctx.actor, chat, data.flow, data)
    await query.answer()
    await show(update, ctx, prompt)


async def item_added(update: Update, ctx: BotContext, added: ChecklistItemAdded) -> None:
    """One message: the category's checklist, headed by what was added."""
    text, markup = category_view(ctx.t, added.checklist)
    done = ctx.t("Added: {item}.", item=added.text)
    await reply(ctx, update, f"{done}\n\n{text}", markup)
