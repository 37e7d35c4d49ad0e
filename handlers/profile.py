"""A person's own profile in /settings (docs/data-rights.md, correction): their name and phone,
each corrected through a one-step conversation (core/team/profile.py); the language has its
own buttons (handlers/settings.py)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from core.dialogs.data import ProfileEditData
from core.dialogs.engine import DialogState, data_as
from core.domain import User
from core.outcomes import ProfileSaved
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.i18n import Translator
from handlers.keyboards import button
from handlers.prompts import PromptEnv, Rendered


def profile_lines(t: Translator, user: User) -> list[str]:
    """The name and phone the team sees, as /settings shows them."""
    phone = user.phone or t.raw("not given")
    return [
        t("Name: {name}", name=user.display_name),
        t("Phone: {phone}", phone=phone),
    ]


def profile_buttons(t: Translator) -> list[InlineKeyboardButton]:
    return [
        button(t.raw("✏️ Name"), cb.ProfileEdit("name")),
        button(t.raw("📞 Phone"), cb.ProfileEdit("phone")),
    ]


def value_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    if data_as(state, ProfileEditData).field == "phone":
        text = t(
            "Your phone number? For example +7 916 123-45-67. Send - to remove it. /cancel "
            "keeps it as it is."
        )
        return text, None
    return t("Your name as the team sees it? /cancel keeps it as it is."), None


PROFILE_PROMPTS = {("profile_edit", "value"): value_prompt}


async def profile_saved(update: Update, ctx: BotContext, saved: ProfileSaved) -> None:
    t = ctx.t
    if saved.field == "name":
        text = t("Saved: your name is now {name}.", name=saved.name)
    elif saved.phone is None:
        text = t("Saved: your phone number is removed.")
    else:
        text = t("Saved: your phone number is now {phone}.", phone=saved.phone)
    await reply(ctx, update, text)
