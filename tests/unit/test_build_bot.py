"""Every process builds its bot the same way: with Telegram's flood limits kept (a worker
that sends thousands of digests included)."""

from telegram.constants import ParseMode

from bot.flood import FloodControl
from bot.settings import Settings
from bot.telegram_bot import TolerantBot, build_bot
from bot.telegram_request import AiohttpRequest


def test_the_bot_keeps_telegrams_limits_unless_told_not_to():
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bot = build_bot(settings, "1:TOKEN-abcdefghijklmnopqrstuvwxyz", 8)
    assert isinstance(bot, TolerantBot) and isinstance(bot.rate_limiter, FloodControl)
    assert isinstance(bot.request, AiohttpRequest)
    assert bot.defaults is not None and bot.defaults.parse_mode == ParseMode.HTML
    bare = build_bot(settings, "1:TOKEN-abcdefghijklmnopqrstuvwxyz", 8, rate_limit=False)
    assert bare.rate_limiter is None
