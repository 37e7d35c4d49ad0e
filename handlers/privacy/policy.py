"""The privacy policy's versions in the chat: what /privacy says about them, the notice of a
material change, the question once it is in force, and the answer (core/privacy/policy.py).

A person who has not answered the material version in force is asked before anything else
they send is handled (handlers/gate.py). Until they answer, and for as long as they decline,
they may still read the policy (/privacy), take a copy of their data (/mydata), delete their
account (/deleteme) and change their language (/language); everything else is answered with
the question, or, once declined, with what they can still do and how to accept after all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from telegram import InlineKeyboardMarkup, Update

from core.domain import LANGUAGES, Job, PolicyStanding, language_from_telegram
from core.privacy.policy import PolicyStatus, PolicyVersion
from core.privacy.policy_service import NOTICE_JOB
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers import callbacks as cb
from handlers.client_loop.client_bot import ChatBots
from handlers.context import BotContext
from handlers.delivery.replies import drop_keyboard, reply
from handlers.i18n import Catalogs, Translator
from handlers.keyboards import button
from handlers.notifications.digests import send

# What a person who has not accepted the version in force may still do.
POLICY_OPEN_COMMANDS = frozenset(
    {"/privacy", "/mydata", "/deleteme", "/help", "/language", "/cancel"}
)


def _day(t: Translator, day: date) -> str:
    return format_date(day, "d MMMM y", locale=t.locale)


def version_lines(t: Translator, status: PolicyStatus) -> list[str]:
    """The version in force and, when one is published, the upcoming one and what changes."""
    now = status.in_force
    lines = [
        t(
            "Privacy policy version {version}, in force since {date}.",
            version=now.version,
            date=_day(t, now.effective),
        )
    ]
    nxt = status.upcoming
    if nxt is not None:
        lines.append(upcoming_line(t, nxt))
    return lines


def upcoming_line(t: Translator, version: PolicyVersion) -> str:
    return t(
        "🆕 Version {version} takes effect on {date}. What changes: {summary}",
        version=version.version,
        date=_day(t, version.effective),
        summary=version.summary_in(t.locale[:2]),
    )


def standing_lines(t: Translator, standing: PolicyStanding | None) -> list[str]:
    if standing is None or standing.required is None:
        return []
    if standing.pending:
        return ["", t("You have not answered version {version} yet.", version=standing.required)]
    if standing.declined:
        return ["", declined_text(t, standing.required)]
    return []


def declined_text(t: Translator, version: str) -> str:
    return t(
        "You declined privacy policy version {version}. Until you delete your account you "
        "can still read the policy (/privacy), take a copy of your data (/mydata) or delete "
        "your account (/deleteme); everything else waits until you accept it.",
        version=version,
    )


def answer_keyboard(t: Translator, standing: PolicyStanding) -> InlineKeyboardMarkup:
    accept = [button(t.raw("Accept the new policy"), cb.PolicyAnswer(1))]
    if standing.declined:
        return InlineKeyboardMarkup([accept])
    return InlineKeyboardMarkup([accept, [button(t.raw("Decline"), cb.PolicyAnswer(0))]])


def question(t: Translator, version: PolicyVersion, url: str) -> str:
    return "\n".join(
        [
            t("<b>Our privacy policy has changed</b>"),
            t(
                "Version {version} is in force since {date}. What changes: {summary}",
                version=version.version,
                date=_day(t, version.effective),
                summary=version.summary_in(t.locale[:2]),
            ),
            t('The full text: <a href="{url}">{url}</a>', url=url),
            "",
            t(
                "Do you accept it? If you do not, you can take a copy of your data (/mydata) "
                "or delete your account (/deleteme). Declining is not accepting: you keep "
                "access to your own data and its export until you delete the account, and "
                "nothing else."
            ),
        ]
    )


async def ask(update: Update, ctx: BotContext, standing: PolicyStanding) -> None:
    """The gate's question (or, once declined, what the person can still do)."""
    t = ctx.t
    assert standing.required is not None
    if standing.declined:
        text = declined_text(t, standing.required)
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
            return
        await reply(ctx, update, text, answer_keyboard(t, standing))
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    version = ctx.services.policy.version(standing.required)
    text = question(t, version, ctx.bot_data.privacy_policy_url)
    await reply(ctx, update, text, answer_keyboard(t, standing))


async def policy_answer(update: Update, ctx: BotContext, tap: cb.PolicyAnswer) -> None:
    query = update.callback_query
    assert query is not None
    t = ctx.t
    version = await ctx.services.policy.answer(ctx.actor, bool(tap.accepted))
    await query.answer()
    await drop_keyboard(ctx, query)
    if version is None:
        await reply(ctx, update, t("Nothing was changed."))
    elif tap.accepted:
        await reply(ctx, update, t("Thank you: you accepted version {version}.", version=version))
    else:
        await reply(ctx, update, declined_text(t, version))


def notice_text(t: Translator, version: PolicyVersion, url: str, staff: bool) -> str:
    lines = [
        t("📄 <b>Our privacy policy is changing</b>"),
        upcoming_line(t, version),
        t('The full text: <a href="{url}">{url}</a>', url=url),
    ]
    if staff:
        lines.append(
            t(
                "From that day we will ask you to accept it. If you do not, you can take a "
                "copy of your data (/mydata) or delete your account (/deleteme)."
            )
        )
    return "\n".join(lines)


def policy_jobs(
    bots: ChatBots, services: Services, catalogs: Catalogs, url: str
) -> dict[str, JobHandler]:
    """The notice of a material change: one message, in the broadcast lane."""

    async def deliver(job: Job) -> None:
        data: dict[str, Any] = job.payload
        chosen = data.get("language")
        if isinstance(chosen, str) and chosen in LANGUAGES:
            language = chosen
        else:
            given = data.get("telegram_language")
            language = language_from_telegram(
                given if isinstance(given, str) else None, catalogs.default
            )
        t = catalogs.get(language)
        version = services.policy.version(str(data["version"]))
        staff = bool(data.get("staff", True))
        text = notice_text(t, version, url, staff)
        await send(bots, services, int(str(data["chat_id"])), text, None, staff=staff)

    return {NOTICE_JOB: deliver}
