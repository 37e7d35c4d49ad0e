"""Our ExtBot: tolerant of malformed updates from the Bot API and quiet about their content;
it answers tapped buttons at once (`bot.answers`, see bot/answers.py) and keeps Telegram's
flood limits (bot/flood.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, cast

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Defaults, ExtBot

from bot.answers import CallbackAnswers
from bot.flood import FloodControl
from bot.flood_redis import redis_budget
from bot.metered_request import MeteredRequest
from bot.metrics import Metrics
from bot.settings import Settings
from bot.telegram_request import telegram_request

log = logging.getLogger(__name__)

Fetched = Callable[[list[dict[str, Any]]], None]
Confirming = Callable[[], Awaitable[None]]
# The updates of the getUpdates call in progress in this task, parsed by `_post`.
_PARSED: ContextVar[list[Update] | None] = ContextVar("parsed_updates", default=None)


# Every text the bot sends is HTML (handlers escape what they interpolate); a call that sends
# someone's own words as they are (a file's caption sent back) says `parse_mode=None`.
HTML = Defaults(parse_mode=ParseMode.HTML)


class TolerantBot(ExtBot[None]):
    """python-telegram-bot parses a getUpdates batch all at once: one malformed update fails
    the whole batch, is retried forever with the same offset, and is logged in full (message
    text included). Here each update is checked alone; a malformed one is replaced by an empty
    update with its id, so the offset moves past it and nothing personal is logged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answers = CallbackAnswers(self._post_now)  # the bot is frozen: "_" only
        self._fetched: Fetched | None = None
        self._confirming: Confirming | None = None

    def keep_updates_in(self, fetched: Fetched, confirming: Confirming) -> None:
        """`fetched` is given every getUpdates batch before it is returned; `confirming` is
        awaited before each getUpdates, which tells Telegram the batch before arrived: the
        batch must be safe by then, applied or stored (bot/polled.py)."""
        self._fetched, self._confirming = fetched, confirming

    @property
    def answers(self) -> CallbackAnswers:
        return self._answers

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """Each update parsed once: `_post` parses them one by one (a malformed one alone is
        skipped) and hands python-telegram-bot an empty batch, which it would parse again
        (about 0.15-0.2 ms of CPU per update, docs/cpu-per-update.md)."""
        if self._confirming is not None:
            await self._confirming()
        parsed: list[Update] = []
        token = _PARSED.set(parsed)
        try:
            await super().get_updates(*args, **kwargs)
        finally:
            _PARSED.reset(token)
        for update in parsed:
            self.insert_callback_data(update)
        return tuple(parsed)

    async def _post(self, endpoint: str, data: Any = None, *args: Any, **kwargs: Any) -> Any:
        if endpoint == "getUpdates":
            result = await super()._post(endpoint, data, *args, **kwargs)
            if not isinstance(result, list):
                return result
            checked = [self._checked(item) for item in result]
            batch = [item for item, _ in checked]
            if batch and self._fetched is not None:
                self._fetched(batch)
            parsed = _PARSED.get()
            if parsed is None:
                return batch
            parsed.extend(update for _, update in checked)
            return []
        fields = data if isinstance(data, dict) else {}
        if not await self.answers.before(endpoint, fields):
            return True  # a late answer to a tapped button that was answered already
        try:
            return await super()._post(endpoint, data, *args, **kwargs)
        except BadRequest as error:
            if endpoint != "answerCallbackQuery" or not _query_gone(error):
                raise
            # A tap applied again after a restart (from the inbox, or redelivered to the
            # webhook): the process that died may have answered its query, and Telegram
            # refuses a second answer, or any after a while. The answer is a courtesy, not
            # the tap's effect: the update goes on (raising failed it, and the tap was lost).
            log.info("a tapped button's query can no longer be answered")
            return True
        finally:
            self.answers.after(endpoint, fields)

    async def _post_now(self, endpoint: str, data: dict[str, Any]) -> Any:
        """A call past `answers`: its own answers to taps and late alerts."""
        return await super()._post(endpoint, data)

    def _checked(self, item: Any) -> tuple[Any, Update]:
        """The update as stored, and parsed."""
        update_id = item.get("update_id") if isinstance(item, dict) else None
        try:
            return item, Update.de_json(item, self)
        except Exception as error:  # noqa: BLE001 - any parse failure means "skip this one"
            log.warning("malformed update %s skipped (%s)", update_id, type(error).__name__)
            empty = {"update_id": update_id if isinstance(update_id, int) else 0}
            return empty, Update.de_json(empty, self)


def _query_gone(error: BadRequest) -> bool:
    """Telegram's refusal of an answer to a query answered before or too old."""
    text = error.message.lower()
    return "query is too old" in text or "query id is invalid" in text


def build_bot(
    settings: Settings,
    token: str,
    pool_size: int,
    rate_limit: bool = True,
    base_url: str | None = None,
    base_file_url: str | None = None,
    metrics: Metrics | None = None,
) -> TolerantBot:
    """The bot as every process builds it: our request class (counted for /metrics when
    given), and Telegram's flood limits (about 30 messages/s; in a chat 1/s after a short
    burst; a 429 waited out) kept by our limiter: in Redis for every process of the bot when
    `REDIS_URL` is set, else in this process."""
    limiter = cast(Any, flood_control(settings, token, metrics)) if rate_limit else None
    request = telegram_request(settings, pool_size)
    return TolerantBot(
        token,
        base_url=base_url or settings.telegram_api_base_url,
        base_file_url=base_file_url or settings.telegram_file_base_url,
        request=request if metrics is None else MeteredRequest(request, metrics),
        get_updates_request=telegram_request(settings, 1, read_timeout=30.0),
        rate_limiter=limiter,
        defaults=HTML,
    )


def flood_control(settings: Settings, token: str, metrics: Metrics | None) -> FloodControl:
    """Our rate limiter, its budget shared through Redis when `REDIS_URL` is set."""
    url = settings.redis_url
    budget = None if url is None else redis_budget(url, token.partition(":")[0])
    return FloodControl(budget, on_sent=None if metrics is None else metrics.message_sent)
