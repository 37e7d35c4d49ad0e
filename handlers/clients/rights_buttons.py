"""The client card's "🔒 Data rights" buttons (docs/data-rights.md): what the client asked of
their data, behind one button so the everyday card stays short."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from core.views import ClientCard
from handlers import callbacks as cb
from handlers.i18n import Translator
from handlers.keyboards import button


def rights_rows(t: Translator, card: ClientCard) -> list[list[InlineKeyboardButton]]:
    """What the client asked of their data (access, correction, restriction, objection)."""
    cid = card.view.id
    objects = card.view.objected_at is not None
    label = t.raw("🤖 Withdraw AI objection") if objects else t.raw("🤖 Objects to AI processing")
    restriction = (
        button(t.raw("✅ Lift restriction"), cb.ClientUnrestrict(cid))
        if card.view.restricted_at is not None
        else button(t.raw("⛔ Restrict processing"), cb.ClientEdit(cid, "restrict"))
    )
    return [
        [
            button(t.raw("📨 Data request"), cb.ClientRequests(cid)),
            button(t.raw("📦 Data package"), cb.ClientPackage(cid)),
        ],
        [button(label, cb.ClientObjection(cid, 0 if objects else 1))],
        [restriction],
    ]
