"""/privacy's restriction of processing of one's own data (docs/data-rights.md,
core/team/restriction.py): the state, its button, and the answer confirming it."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from core.domain import User
from handlers import callbacks as cb
from handlers.formatting import when
from handlers.i18n import Translator
from handlers.keyboards import button


def restriction_lines(t: Translator, user: User, zone: str) -> list[str]:
    if user.restricted_at is None:
        return [
            "",
            t(
                "⛔ You can restrict processing of your data: it is kept but not used, and you "
                "get no digests, reminders or notices until you lift it."
            ),
        ]
    since = when(t, user.restricted_at, zone)
    return ["", t("⛔ Processing of your data is restricted since {when}.", when=since)]


def restriction_button(t: Translator, restricted: bool) -> InlineKeyboardButton:
    if restricted:
        return button(t.raw("✅ Lift the restriction of my data"), cb.OwnRestriction(0))
    return button(t.raw("⛔ Restrict processing of my data"), cb.OwnRestriction(1))


def restriction_answer(t: Translator, restricted: bool) -> str:
    """The one message confirming the restriction (an answer to the person's own tap)."""
    if restricted:
        return t(
            "⛔ Processing of your data is restricted. Your data is kept but not used: no "
            "digests, reminders, broadcasts or notices, your voice notes are not transcribed "
            "or summarised, and the API shows you as restricted. I still answer what you send "
            "me. Lift it in /privacy."
        )
    return t("✅ The restriction is lifted: your data is processed again.")
