"""One place that turns domain error codes into localized replies, and logs the unexpected."""

from __future__ import annotations

import html
import logging
import traceback
from typing import Any

from telegram import Update
from telegram.error import Forbidden

from core.errors import DomainError, DuplicateUpdate
from handlers.context import BotContext
from handlers.i18n import N_, Translator
from handlers.replies import reply

log = logging.getLogger(__name__)

MESSAGES: dict[str, str] = {
    "no_organization": N_("You are not in an organization yet. Send /start to create one."),
    "access_revoked": N_(
        "Your access to this organization was revoked. Ask its owner if this is a mistake."
    ),
    "forbidden": N_("Your role does not allow this."),
    "not_found": N_("That no longer exists."),
    "name_empty": N_("The name cannot be empty. Please type it again."),
    "name_too_long": N_("That is {length} characters; the limit is {limit}. Please shorten it."),
    "timezone_invalid": N_(
        "I do not know the time zone “{given}”. Tap one of the buttons or type a name such as "
        "Europe/Moscow or Asia/Yekaterinburg."
    ),
    "currency_invalid": N_("“{given}” is not a currency I know. Type a code such as RUB or EUR."),
    "choose_option": N_("Please tap one of the buttons."),
    "dialog_outdated": N_("This button is from an earlier step and no longer applies."),
    "invite_invalid": N_("This invite link is not valid. Ask for a new one."),
    "invite_expired": N_("This invite link has expired. Ask for a new one."),
    "invite_used_up": N_("This invite link has already been used. Ask for a new one."),
    "invite_revoked": N_("This invite link was revoked. Ask for a new one."),
    "invite_uses_range": N_("The number of uses must be between 1 and {limit}."),
    "invite_days_range": N_("The validity must be between 1 and {limit} days."),
    "invite_role_unknown": N_("Say whom to invite: /invite worker or /invite manager."),
    "invite_number_invalid": N_(
        "“{given}” is not a number. Example: /invite worker 5 3 (5 uses, valid 3 days)."
    ),
    "last_owner": N_("An organization must keep at least one active owner."),
    "not_onboarded": N_("Let's get you set up first: send /start."),
}


def describe(t: Translator, error: DomainError) -> str:
    msgid = MESSAGES.get(error.code)
    if msgid is None:
        log.warning("untranslated domain error code %s", error.code)
        return t("Sorry, that did not work.")
    return t(msgid, **error.params)


async def on_error(update: object, context: BotContext) -> None:
    """PTB's error handler: explain domain errors, stay silent on duplicates, log the rest."""
    error = context.error
    if isinstance(error, DuplicateUpdate):
        return
    if isinstance(update, Update) and isinstance(error, DomainError):
        await _answer(update, context, describe(context.t, error))
        return
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user:
        await context.services.users.mark_unreachable(update.effective_user.id)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    # The exception text may quote message content or SQL parameters, so log only its type and
    # the stack, never str(error).
    stack = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("update %s failed with %s\n%s", update_id, type(error).__name__, stack)
    if isinstance(update, Update):
        await _answer(update, context, context.t("Sorry, something went wrong. Please try again."))


async def _answer(update: Update, context: BotContext, text: str) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(_plain(text)[:200], show_alert=True)
            return
        await reply(update, text)
    except Exception as failure:
        log.warning("could not deliver an error reply: %s", type(failure).__name__)


def _plain(text: Any) -> str:
    return html.unescape(str(text))
