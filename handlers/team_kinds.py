"""A member's kinds of work, from their card in /team (core/availability/kinds.py): each
category a toggle, edited in place; none ticked means every kind."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.availability.kinds import KindsView
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.i18n import Translator, escape
from handlers.keyboards import button


def kinds_screen(t: Translator, view: KindsView) -> tuple[str, InlineKeyboardMarkup]:
    name = escape(view.member.user.display_name)
    lines = [t("<b>{name}</b>: kinds of work", name=name)]
    if not view.categories:
        lines.append(t("The organization has no kinds of work yet."))
    elif view.does:
        lines.append(t("Offered as a replacement only for orders of the ticked kinds."))
    else:
        lines.append(t("None ticked: {name} may take orders of every kind.", name=name))
    membership_id = view.member.membership.id
    grid = [
        [
            button(
                ("✅ " if c.id in view.does else "▫️ ") + c.name, cb.MemberKind(membership_id, c.id)
            )
        ]
        for c in view.categories
    ]
    grid.append([button(t.raw("⬅️ Back"), cb.MemberCard(membership_id))])
    return "\n".join(lines), InlineKeyboardMarkup(grid)


async def member_kinds(
    update: Update, ctx: BotContext, tap: cb.MemberKinds | cb.MemberKind
) -> None:
    """Shows the member's kinds, or switches the one tapped."""
    query = update.callback_query
    assert query is not None
    availability = ctx.services.availability
    if isinstance(tap, cb.MemberKind):
        view = await availability.toggle_kind(ctx.actor, tap.membership_id, tap.category_id)
    else:
        view = await availability.kinds(ctx.actor, tap.membership_id)
    await query.answer()
    await edit_tapped(ctx, query, *kinds_screen(ctx.t, view))
