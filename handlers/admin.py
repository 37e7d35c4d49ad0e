"""/admin: a one-time sign-in link to the settings and billing page; billing notices to owners
(a payment went through, a subscription is about to lapse or ended); the texts of the admin
and billing error codes."""

from __future__ import annotations

import logging
from datetime import datetime

from babel.dates import format_date
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden

from core.admin.model import SIGN_IN_MINUTES
from core.billing.service import NOTICE_JOB
from core.domain import Job, Role
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.i18n import N_, Catalogs, Translator

log = logging.getLogger(__name__)

PLAN_NAMES = {"free": "Free", "pro": "Pro", "business": "Business"}

ADMIN_ERRORS: dict[str, str] = {
    "plan_members_limit": N_(
        "The {plan} plan allows {limit} members, and the organization has them all. "
        "Its owner can upgrade the plan: {upgrade_url}"
    ),
    "plan_ai_quota": N_(
        "The {plan} plan includes {limit} AI summaries a month, and this month's are used up. "
        "The note is kept; upgrade the plan to summarise more: {upgrade_url}"
    ),
    "plan_transcription_quota": N_(
        "The {plan} plan includes {limit} minutes of transcription a month, and this month's "
        "are used up. The recording is kept; upgrade the plan to transcribe more: {upgrade_url}"
    ),
    "plan_orders_limit": N_(
        "The {plan} plan allows {limit} orders a month, and this month's are used up. "
        "Upgrade the plan: {upgrade_url}"
    ),
    "sign_in_invalid": N_(
        "This sign-in link is not valid: it was used or has expired. Send /admin to the bot "
        "for a new one."
    ),
    "board_workers": N_(
        "The web board is for owners and managers; your orders are here in the chat: /today"
    ),
    "board_clash": N_("{name} already has an order at that time (№{number} at {time})."),
    "board_away": N_("{name} is away that day."),
    "session_invalid": N_("Your session has ended. Send /admin to the bot to sign in again."),
    "token_invalid": N_("This API token is not valid or was revoked."),
    "second_factor_pending": N_(
        "Confirm the sign-in with your second factor first: open the sign-in page again."
    ),
    "second_factor_setup": N_(
        "The organization requires owners to use a second factor: add one on the "
        "Sign-in security page first."
    ),
    "second_factor_not_fresh": N_("Confirm it is you with your second factor first."),
    "second_factor_none": N_("You have no second factor yet."),
    "second_factor_required_owner": N_(
        "The organization requires owners to use a second factor, so the last one cannot be "
        "removed."
    ),
    "second_factor_yours_first": N_(
        "Add a second factor to your own sign-in before requiring one of all owners."
    ),
    "totp_exists": N_(
        "An authenticator app is already set up. Remove it first to set up another."
    ),
    "totp_not_started": N_("Start the authenticator app's setup again."),
    "passkey_expired": N_("The passkey request has expired. Try again."),
    "passkey_invalid": N_("The passkey was not accepted. Try again."),
    "passkey_exists": N_("This passkey is already added."),
    "csrf_invalid": N_("This form has expired. Reload the page and try again."),
    "api_tokens_limit": N_("An organization can have at most {limit} API tokens."),
    "api_key_invalid": N_("This API key is not valid or was revoked."),
    "api_key_scopes_invalid": N_("Choose one or more scopes of: {scopes}."),
    "api_scope_missing": N_("This API key does not have the scope {scope}."),
    "ownbot_unavailable": N_(
        "Own bots cannot be connected on this server: ENCRYPTION_KEY is not set."
    ),
    "ownbot_token_invalid": N_(
        "That is not a bot token. @BotFather gives it as digits, a colon and 35 characters, "
        "e.g. 123456789:AAH…; send /ownbot followed by the token."
    ),
    "ownbot_taken": N_("This bot is already connected to another organization."),
    "ownbot_none": N_("No bot of the organization's own is connected. Send /ownbot TOKEN."),
    "categories_empty": N_("Keep at least one service category."),
    "categories_too_many": N_("At most {limit} service categories."),
    "time_of_day_invalid": N_("“{given}” is not a time of day. Example: 08:30"),
    "reminder_range": N_("The reminder must be between 0 and {limit} minutes before."),
    "credential_unknown": N_("There is no such integration setting."),
    "credential_invalid": N_("A key is one line without spaces, up to {limit} characters."),
    "credentials_unavailable": N_("Credentials cannot be stored: ENCRYPTION_KEY is not set."),
    "billing_unavailable": N_("Payments are not enabled on this server."),
    "payment_unavailable": N_("The bank did not answer. Nothing was charged; try again later."),
    "plan_invalid": N_("Choose Pro or Business."),
    "months_range": N_("Pay for 1 to {limit} months."),
    "email_invalid": N_("Type the e-mail address the receipt should go to."),
    "payment_forged": N_("The notification's signature is wrong."),
    "payment_mismatch": N_("The notification does not match the payment."),
    "payment_unknown": N_("The notification is about a payment that was never made here."),
    "refund_unavailable": N_("There is no online payment of this order to refund."),
    "refund_too_much": N_("That is more than is left of the online payment to refund."),
    "policy_notice_too_short": N_(
        "A material change needs {days} days of notice: move its effective date later."
    ),
    "policy_unknown": N_("There is no such version of the privacy policy."),
}

NOTICES = {
    "paid": N_("✅ Payment received: <b>{org}</b> is on the {plan} plan until {date}"),
    "lapsing": N_(
        "⏳ The {plan} plan of <b>{org}</b> ends on {date}. Renew it on the billing page: {link}"
    ),
    "lapsed": N_(
        "The {plan} plan of <b>{org}</b> has ended; the organization is on Free now. Plans: {link}"
    ),
    "ended": N_(
        "The payment was returned, so the {plan} plan of <b>{org}</b> has ended. Plans: {link}"
    ),
}


async def admin(update: Update, ctx: BotContext) -> None:
    """Owners and managers (the service checks; workers are told the board is not theirs): a
    link that opens the web pages once, for 10 minutes."""
    issued = await ctx.services.admin.issue_link(ctx.actor)
    if ctx.actor.role is Role.OWNER:
        text = ctx.t.n(
            "Your sign-in link to the settings and billing page. It works once, "
            "for {count} minute:\n{link}",
            "Your sign-in link to the settings and billing page. It works once, "
            "for {count} minutes:\n{link}",
            SIGN_IN_MINUTES,
            link=issued.url,
        )
    else:
        text = ctx.t.n(
            "Your sign-in link to the web board. It works once, for {count} minute:\n{link}",
            "Your sign-in link to the web board. It works once, for {count} minutes:\n{link}",
            SIGN_IN_MINUTES,
            link=issued.url,
        )
    await reply(ctx, update, text)


def notice_text(t: Translator, job: Job, org: str, link: str) -> str | None:
    event = str(job.payload.get("event", ""))
    if event not in NOTICES:
        return None
    plan = PLAN_NAMES.get(str(job.payload.get("plan")), "?")
    until = str(job.payload.get("until") or "")
    date = (
        format_date(datetime.fromisoformat(until).date(), "long", locale=t.locale) if until else ""
    )
    return t(NOTICES[event], org=org, plan=plan, date=date, link=link)


def billing_jobs(bot: Bot, services: Services, catalogs: Catalogs) -> dict[str, JobHandler]:
    """The owners hear about payments and lapses in their own language."""

    async def notice(job: Job) -> None:
        if job.organization_id is None:
            return
        org, owners = await services.billing.recipients(job.organization_id)
        for owner in owners:
            t = catalogs.get(owner.preferred_language(catalogs.default))
            text = notice_text(t, job, org, services.admin.billing_url)
            if text is not None:
                await _send(bot, owner.telegram_id, text)

    return {NOTICE_JOB: notice}


async def _send(bot: Bot, chat_id: int, text: str) -> None:
    try:
        await bot.send_message(chat_id, text, disable_web_page_preview=True)
    except (BadRequest, Forbidden) as error:
        log.info("billing notice not delivered: %s", type(error).__name__)
