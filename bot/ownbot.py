"""Organizations' own bots wired to this deployment (docs/own-bot.md): the check job that
asks Telegram about a connected token, sets the bot's profile in each language and tells
the owner what came of it (through the outbox, in the transaction that records the check)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import TelegramError

from bot.container import Container
from bot.fleet import Fleet
from bot.invoice_tell import outbox_runner
from core.domain import LANGUAGES, Job
from core.ownbot.model import OWNBOT_CHECK_JOB, BotIdentity, BotProfile, TokenRefused
from core.ownbot.routing import RunningBot
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers.client_loop.client_bot import file_bytes
from handlers.client_loop.relay import OwnFiles
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import Catalogs
from handlers.menus import client_menu
from handlers.ownbot import check_news, refused_news
from integrations.telegram_directory import HttpBotDirectory

SHORT_LIMIT = 120  # Telegram's limit of a short description
DESCRIPTION_LIMIT = 512


log = logging.getLogger(__name__)


def api_base(bot: Bot) -> str:
    """The Bot API's address up to the token, as the process's own bot reaches it."""
    return str(bot.base_url).removesuffix(bot.token)


def profile(catalogs: Catalogs, org_name: str, org_language: str) -> BotProfile:
    """The client menu, description and short description in each language; the
    organization's language is also what every other language is shown."""
    profile = BotProfile()
    for language in LANGUAGES:
        t = catalogs.get(language)
        code = "" if language == org_language else language
        profile.commands[code] = client_menu(t)
        text = t.raw(
            "{name}: book a visit, get confirmations and reminders, see when the worker is on "
            "the way, pay and rate the work, all in this chat."
        ).format(name=org_name)
        profile.descriptions[code] = text[:DESCRIPTION_LIMIT]
        short = t.raw("{name}: orders, reminders and payments").format(name=org_name)
        profile.short_descriptions[code] = short[:SHORT_LIMIT]
    return profile


def ownbot_jobs(container: Container, bot: Bot) -> dict[str, JobHandler]:
    services, catalogs = container.services, container.catalogs
    if not services.own_bots.available:
        return {}
    directory = HttpBotDirectory(container.http, api_base(bot))
    run = outbox_runner(container, bot, "ownbot-outbox")

    async def check(job: Job) -> None:
        found = await services.own_bots.check_of(job)
        if found is None:
            return  # disconnected or replaced since: the newer job checks the newer bot
        identity: BotIdentity | None
        try:
            identity = await directory.identify(found.token)
            shown = profile(catalogs, found.org_name, found.org_language)
            await directory.set_profile(found.token, shown)
        except TokenRefused:
            identity = None

        async def work(bound: Services, outgoing: Outgoing) -> None:
            await check_news(bound, catalogs, outgoing, found, identity)

        await run(work)

    return {OWNBOT_CHECK_JOB: check}


def refusal_teller(container: Container, bot: Bot) -> Callable[[RunningBot], Awaitable[None]]:
    """What the fleet does when Telegram refuses a served bot's token (bot/fleet.py): the bot
    is `revoked` and its owner told, in one transaction, through the shared bot."""
    run, catalogs = outbox_runner(container, bot, "ownbot-outbox"), container.catalogs

    async def tell(spec: RunningBot) -> None:
        async def work(bound: Services, outgoing: Outgoing) -> None:
            await refused_news(bound, catalogs, outgoing, spec.telegram_id)

        await run(work)

    return tell


def own_file_fetcher(fleet: Fleet) -> OwnFiles:
    """A photo's bytes through the own bot of that number (its file id is that bot's alone),
    for a job that tells the staff through another bot; None when the bot is no longer
    served or Telegram refuses (the job then says so)."""

    async def fetch(number: int, file_id: str) -> bytes | None:
        if fleet.spec(number) is None:
            return None
        try:
            return await file_bytes(fleet.bot(number), file_id)
        except TelegramError as error:
            log.info("photo not fetched through own bot %s: %s", number, type(error).__name__)
            return None

    return fetch
