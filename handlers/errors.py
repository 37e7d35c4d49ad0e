"""One place that turns domain error codes into localized replies, and logs the unexpected.
The texts of some areas live beside it (handlers/client_loop_errors.py,
handlers/lines_errors.py, and the admin, telephony and company modules)."""

from __future__ import annotations

import html
import logging
import traceback
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, RetryAfter

from core.errors import DomainError, DuplicateUpdate
from handlers.admin import ADMIN_ERRORS, PLAN_NAMES
from handlers.client_loop_errors import CLIENT_LOOP_ERRORS
from handlers.companies.render import COMPANY_ERRORS
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.formatting import megabytes
from handlers.gate import load_actor
from handlers.i18n import N_, Translator
from handlers.lines_errors import LINES_ERRORS
from handlers.telephony.render import CALL_ERRORS
from handlers.weekdays import WEEKDAY_NAMES, weekday_name

log = logging.getLogger(__name__)
MEGABYTE = 1024 * 1024

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
    "order_transition": N_("Order №{number} is {status} now, so this is not possible: {action}."),
    "order_already": N_("Order №{number} is already {status}."),
    "order_not_offered": N_("Order №{number} is not offered to workers."),
    "order_taken": N_("Someone else has already taken order №{number}."),
    "order_yours": N_("You have already taken order №{number}; it is yours."),
    "order_changed": N_("Order №{number} was just changed by someone else. Please look again."),
    "order_gone": N_("This order is no longer available to you."),
    "away_hours_invalid": N_(
        "Type the hours and the days of the week (1 is Monday), for example: {example}"
    ),
    "away_days_invalid": N_(
        "Type a day or a range of days, for example: {example} (at most a year)."
    ),
    "away_days_past": N_("Those days are over. Type days from today on."),
    "away_plan_over": N_("This plan is for another day. Tap the button on today's plan."),
    "order_not_found": N_("There is no order №{number} that you can see."),
    "period_range": N_(
        "Choose a period of at most {limit} days whose first day is not after its last."
    ),
    "order_unchanged": N_(
        "Order №{number} already has exactly that. Type a different value, or /cancel."
    ),
    "no_workers": N_("There are no active workers yet. Invite one with /invite."),
    "phone_invalid": N_("That does not look like a phone number. Example: {example}"),
    "phone_incomplete": N_(
        "This looks like an incomplete phone number. Type it in full, for example {example}."
    ),
    "client_duplicate": N_("A client with this phone already exists: {name}."),
    "client_email_invalid": N_(
        "That does not look like an e-mail address (name@example.com). Send it again, or - "
        "to remove the address."
    ),
    "search_empty": N_("Type a part of a name or of a phone number."),
    "request_day_invalid": N_(
        "Type the day the request came, like 03.03 (not in the future, within a year), or tap "
        "Today."
    ),
    "client_not_restricted": N_("Processing of this client's data is not restricted."),
    "restriction_note_empty": N_(
        "Type when and how the client asked, for example: by phone on 3 March."
    ),
    "client_query_empty": N_("Type a phone number or a name, or share a contact."),
    "address_empty": N_("Type the address, share a location, or tap “No address”."),
    "address_too_long": N_("The address is {length} characters long; the limit is {limit}."),
    "text_too_long": N_("That is {length} characters; the limit is {limit}. Please shorten it."),
    "series_already": N_("Order №{number} already repeats: open its series with 🔁 Series."),
    "series_changed": N_("The series was just changed by someone else. Please look again."),
    "series_count_range": N_("The number of visits must be between 1 and {limit}."),
    "series_days_invalid": N_(
        "Name the days of the week, for example: Mon, Thu (or 1 4). Days are for weekly series."
    ),
    "series_end_invalid": N_(
        "Type a last day such as 31.03, or a number of visits such as 10, or tap “No end”. "
        "The last day cannot be before the first visit or more than five years ahead."
    ),
    "series_gone": N_("This series is no longer there."),
    "series_horizon_range": N_("Visits can be made from 1 to {limit} days ahead."),
    "intake_origin_invalid": N_(
        "“{given}” is not a website origin. Type one per line, such as https://example.com."
    ),
    "intake_origins_too_many": N_("At most {limit} websites can be listed."),
    "description_empty": N_("Please describe what needs doing."),
    "series_interval_range": N_("Repeat every 1 to {limit} days, weeks or months."),
    "series_not_active": N_("The series is paused or ended, so this is not possible now."),
    "series_not_open": N_(
        "Order №{number} has started or is closed: only a visit not started yet can repeat."
    ),
    "series_not_paused": N_("The series is not paused."),
    "series_unscheduled": N_(
        "Order №{number} has no time yet: schedule it first, then repeat it."
    ),
    "date_invalid": N_("I could not read that date. Example: {example}"),
    "time_invalid": N_("I could not read that time. Example: {example}"),
    "date_past": N_("That time has already passed. Example: {example}"),
    "date_too_far": N_("Choose a time within the next {days} days."),
    "time_past": N_(
        "That time has already passed today. Type a later one, for example {example}."
    ),
    "money_invalid": N_("Type an amount in numbers, for example {example}."),
    "money_negative": N_(
        "The amount cannot be negative. Type it without a minus, for example {example}."
    ),
    "money_range": N_("The amount must be more than zero and realistic, for example {example}."),
    "merge_same": N_("A card cannot be merged with itself."),
    "file_type_refused": N_(
        "I cannot keep this kind of file. Send photos, PDF or office documents, or audio."
    ),
    "file_too_large": N_("This file is {size_mb} MB; the limit is {limit_mb} MB."),
    "photos_required": N_(
        "This order needs {required} photos before it is done; it has {have}. "
        "Send {missing} more, then tap Done again."
    ),
    "inbox_empty": N_("There is no text in this message to make an order from."),
    "voice_too_long": N_("This recording is longer than {limit_min} minutes; send a shorter one."),
    "voice_already_handled": N_("This proposal was already applied or dismissed."),
    "photos_rule_range": N_("The number of photos must be between 0 and {limit}."),
    "checklist_items_range": N_(
        "A checklist has 1 to {limit} items, one per line, each with some text."
    ),
    "checklist_number": N_("Type a number, for example: {example}"),
    "checklist_photo": N_("Send a photo of this order for this item."),
    "checklist_closed": N_("The checklist of order №{number} can no longer be changed."),
    "checklist_item_text": N_("Type the item's text on one line, up to {limit} characters."),
    "checklist_item_unit": N_(
        "Type the unit, up to {limit} characters (kWh, m³), or tap “No unit”."
    ),
    "checklist_incomplete": N_("Order №{number} is not done yet. Still missing:\n{items}"),
    "checklist_incomplete_photos": N_(
        "Order №{number} is not done yet. Still missing:\n{items}\n• photos: {have} of {required}"
    ),
    "signature_invalid": N_("The signature could not be read. Please draw it again."),
    "acceptance_not_done": N_("Order №{number} is not done yet, so it cannot be accepted."),
    "acceptance_name": N_("Please type your name to accept the work."),
    "already_accepted": N_("The work on order №{number} has already been accepted."),
    "acceptance_no_page": N_(
        "The client page is not available: the server has no public address set."
    ),
    "contact_grace_range": N_("The grace period must be between 0 and {limit} hours."),
    "merge_nothing_found": N_("No other client matches. Try another name or phone."),
    **CLIENT_LOOP_ERRORS,
    **LINES_ERRORS,
    **ADMIN_ERRORS,
    **CALL_ERRORS,
    **COMPANY_ERRORS,
    "org_read_only": N_(
        "This organization is deactivated: everything can be viewed but nothing changed. "
        "Its owner can /reactivate it."
    ),
    "org_pending_deletion": N_(
        "This organization is being deleted. Its owner can restore it from /privacy."
    ),
    "sole_owner": N_(
        "You are the only owner of {org}. Make someone else an owner in /team, or delete the "
        "organization with /deleteorg, then delete your account."
    ),
    "retention_choice": N_("Please choose one of the offered retention periods."),
}

# Parameters that are codes themselves and are shown translated.
STATUS_WORDS = {
    "new": N_("new"),
    "assigned": N_("assigned"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}
ACTION_WORDS = {
    "assign": N_("assign"),
    "offer": N_("offer to all"),
    "take": N_("take"),
    "start": N_("start"),
    "done": N_("finish"),
    "cancel": N_("cancel"),
    "pay": N_("record a payment"),
    "reschedule": N_("reschedule"),
    "edit": N_("edit"),
}


def describe(t: Translator, error: DomainError) -> str:
    msgid = MESSAGES.get(error.code)
    if msgid is None:
        log.warning("untranslated domain error code %s", error.code)
        return t("Sorry, that did not work.")
    params = dict(error.params)
    if isinstance(params.get("day"), int) and params["day"] in WEEKDAY_NAMES:
        params["day"] = weekday_name(t, params["day"])
    if isinstance(params.get("status"), str) and params["status"] in STATUS_WORDS:
        params["status"] = t.raw(STATUS_WORDS[params["status"]])
    if isinstance(params.get("action"), str) and params["action"] in ACTION_WORDS:
        params["action"] = t.raw(ACTION_WORDS[params["action"]])
    if isinstance(params.get("plan"), str):
        params["plan"] = PLAN_NAMES.get(params["plan"], params["plan"])
    if isinstance(params.get("size_mb"), int | float):  # 2.5 MB in English, 2,5 МБ in Russian
        params["size_mb"] = megabytes(t, round(params["size_mb"] * MEGABYTE))
    return t(msgid, **params)


async def on_error(update: object, context: BotContext) -> None:
    """PTB's error handler: explain domain errors, stay silent on duplicates, log the rest."""
    error = context.error
    if isinstance(error, DuplicateUpdate):
        return
    if isinstance(error, RetryAfter):  # bot/flood.py waited out its retries, and warned
        log.warning("an update was given up under Telegram's flood control")
        return
    if isinstance(update, Update) and not context.has_actor:
        await _speak_their_language(update, context)
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


async def _speak_their_language(update: Update, context: BotContext) -> None:
    """Error handlers get a fresh context: find the person's language again."""
    try:
        await load_actor(update, context, fresh=False)
    except Exception as failure:  # noqa: BLE001 - the database may be what failed
        log.warning("no language for an error reply: %s", type(failure).__name__)


async def _answer(update: Update, context: BotContext, text: str) -> None:
    """As an alert on the tapped button, or as a message when there is no button or the tap
    was already answered (the failure came after the handler's own answer)."""
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(_plain(text)[:200], show_alert=True)
                return
            except BadRequest as refused:
                log.info("tap already answered, replying instead: %s", refused.message)
        await reply(context, update, text)
    except Exception as failure:  # noqa: BLE001 - the error handler itself must not fail
        log.warning("could not deliver an error reply: %s", type(failure).__name__)


def _plain(text: Any) -> str:
    return html.unescape(str(text))
