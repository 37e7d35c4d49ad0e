"""The Bot API transports (aiohttp, and PTB's httpx for parity) against the emulator over HTTP.

Every Bot API method the bot calls goes through each client here; error statuses must become
PTB's exceptions, and transport failures TimedOut / NetworkError, with no unclosed sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputMediaPhoto,
    InputTextMessageContent,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.settings import Settings
from bot.telegram_request import (
    AiohttpRequest,
    HttpClient,
    build_request,
    request_body,
    telegram_request,
)
from sandbox.emulator import EmulatorServer, RateLimits, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 640, 480) + b"\x08\x02rest"
CLIENTS: list[HttpClient] = ["aiohttp", "httpx"]


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(TOKEN)


@pytest.fixture
async def server(emulator: TelegramEmulator) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(emulator) as running:
        yield running


def make_bot(server: EmulatorServer, client: HttpClient, token: str = TOKEN) -> Bot:
    return Bot(
        token,
        base_url=server.api_base_url,
        base_file_url=server.file_base_url,
        request=build_request(client, 4),
        get_updates_request=build_request(client, 1, read_timeout=5.0),
    )


@pytest.fixture(params=CLIENTS)
async def bot(request: pytest.FixtureRequest, server: EmulatorServer) -> AsyncIterator[Bot]:
    async with make_bot(server, request.param) as running:
        yield running


async def test_messages_keyboards_edits_and_deletes(bot: Bot, emulator: TelegramEmulator):
    ann = emulator.user(id=42, first_name="Ann")
    me = await bot.get_me()
    inline = InlineKeyboardMarkup([[InlineKeyboardButton("Start", callback_data="oa:1:start")]])
    card = await bot.send_message(42, "<b>Order №1</b>", parse_mode="HTML", reply_markup=inline)
    started = "<b>Order №1</b> started"
    await bot.edit_message_text(
        started, 42, card.message_id, parse_mode="HTML", reply_markup=inline
    )
    await bot.edit_message_reply_markup(42, card.message_id, reply_markup=None)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Share phone", request_contact=True)]])
    asked = await bot.send_message(42, "Your phone?", reply_markup=keyboard)
    await bot.send_message(42, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert await bot.send_chat_action(42, ChatAction.TYPING)
    assert await bot.delete_message(42, asked.message_id)
    seen = {m.message_id: m for m in ann.messages()}
    assert (me.username, card.text) == ("test_bot", "Order №1")
    assert (seen[card.message_id].html, seen[card.message_id].buttons) == (
        "<b>Order №1</b> started",
        [],
    )
    assert seen[asked.message_id].deleted and ann.last().remove_keyboard
    assert emulator.calls_to("sendChatAction")[0]["action"] == "typing"


async def test_commands_and_webhook_settings(bot: Bot, emulator: TelegramEmulator):
    commands = [BotCommand("start", "Начать"), BotCommand("help", "Help")]
    assert await bot.set_my_commands(commands, language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == tuple(commands)
    assert await bot.set_webhook("https://example.com/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    assert await bot.delete_webhook()
    assert emulator.calls_to("setWebhook")[0]["secret_token"] == "s3cret"


async def test_long_poll_callback_and_inline_answers(bot: Bot, emulator: TelegramEmulator):
    ann = emulator.user(id=42, first_name="Ann")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="done")]])
    await bot.send_message(42, "Card", reply_markup=markup)
    poll = asyncio.create_task(bot.get_updates(timeout=timedelta(seconds=3)))
    await asyncio.sleep(0.05)
    await ann.tap("Done")
    (tap,) = await asyncio.wait_for(poll, 2)
    assert tap.callback_query is not None and tap.callback_query.data == "done"
    assert await bot.answer_callback_query(tap.callback_query.id, "Saved.", show_alert=True)
    asked = asyncio.create_task(ann.inline_query("Иван"))
    (query,) = await bot.get_updates(offset=tap.update_id + 1, timeout=timedelta(seconds=3))
    assert query.inline_query is not None
    result = InlineQueryResultArticle("1", "Иванов", InputTextMessageContent("/client 1"))
    assert await bot.answer_inline_query(query.inline_query.id, [result], cache_time=0)
    assert [r["title"] for r in await asyncio.wait_for(asked, 2)] == ["Иванов"]
    assert emulator.state.callback_answers[tap.callback_query.id] is not None


async def test_uploads_media_groups_and_downloads(bot: Bot, emulator: TelegramEmulator):
    ann = emulator.user(id=42, first_name="Ann")
    photo = await bot.send_photo(42, PNG, caption="preview", disable_notification=True)
    pdf = b"%PDF-1.4 " + bytes(range(256)) * 64
    document = await bot.send_document(42, pdf, filename="Счёт №7.pdf", caption="invoice")
    reused = await bot.send_document(42, document.document.file_id, caption="again")
    album = await bot.send_media_group(
        42,
        [
            InputMediaPhoto(PNG, caption="one"),
            InputMediaPhoto(PNG[:-1] + b"X", filename="two.png"),
            InputMediaPhoto(photo.photo[-1].file_id),
        ],
    )
    assert document.document.file_name == "Счёт №7.pdf"
    assert document.document.mime_type == "application/pdf"
    assert reused.document.file_unique_id == document.document.file_unique_id
    assert len({m.media_group_id for m in album}) == 1 and len(album) == 3
    file = await document.document.get_file()
    assert bytes(await file.download_as_bytearray()) == pdf
    into = bytearray()
    await (await album[1].photo[-1].get_file()).download_to_memory(_Sink(into))
    assert bytes(into) == PNG[:-1] + b"X"
    assert [m.media for m in ann.messages()] == ["photo", "document", "document"] + ["photo"] * 3
    multipart = emulator.calls_to("sendMediaGroup")[0]["media"]
    assert [item["media"].startswith("attach://") for item in multipart] == [True, True, False]


class _Sink:
    """A writable binary object for download_to_memory."""

    def __init__(self, into: bytearray) -> None:
        self.into = into

    def write(self, data: bytes) -> int:
        self.into.extend(data)
        return len(data)


async def test_error_statuses_become_ptb_errors(bot: Bot, emulator: TelegramEmulator):
    emulator.user(id=42, first_name="Ann")
    blocker = emulator.user(id=7, first_name="Bo")
    await blocker.block()
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "nobody")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(42, "")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(7, "hi")


@pytest.mark.parametrize("client", CLIENTS)
async def test_flood_control_429_is_retry_after(client: HttpClient):
    emulator = TelegramEmulator(TOKEN, rate_limits=True, limits=RateLimits(per_chat=1, burst=1))
    emulator.user(id=42)
    async with EmulatorServer(emulator) as server, make_bot(server, client) as bot:
        await bot.send_message(42, "first")
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(42, "second")
    assert refused.value.retry_after == timedelta(seconds=1)
    assert emulator.stats.refused_429 == 1


@pytest.mark.parametrize("client", CLIENTS)
async def test_wrong_token_is_invalid_token(client: HttpClient, server: EmulatorServer):
    bot = make_bot(server, client, token="999:WRONG-TOKEN")
    with pytest.raises(InvalidToken):
        await bot.initialize()  # getMe
    await bot.shutdown()


@pytest.mark.parametrize("client", CLIENTS)
async def test_closed_port_is_network_error(client: HttpClient):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with build_request(client, 1) as request:
        with pytest.raises(NetworkError) as failed:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    assert not isinstance(failed.value, TimedOut)
    assert isinstance(failed.value.__cause__, Exception)


@contextlib.asynccontextmanager
async def hanging_server() -> AsyncIterator[str]:
    """Accepts connections and never answers; closes them all on exit."""
    release = asyncio.Event()
    writers: list[asyncio.StreamWriter] = []

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await release.wait()
        writer.close()

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}/getMe"
    finally:
        release.set()
        server.close()
        await server.wait_closed()
        for writer in writers:
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


@pytest.mark.parametrize("client", CLIENTS)
async def test_a_hanging_server_times_out_quickly(client: HttpClient):
    async with hanging_server() as url, build_request(client, 1, 0.2) as request:
        started = time.perf_counter()
        with pytest.raises(TimedOut):
            await request.post(url)
        with pytest.raises(TimedOut):
            await request.post(url, read_timeout=0.05)
    assert time.perf_counter() - started < 2


async def test_a_full_pool_times_out_without_sending():
    request = AiohttpRequest(connection_pool_size=1, read_timeout=2.0, pool_timeout=0.05)
    async with hanging_server() as url, request:
        first = asyncio.create_task(request.post(url))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="not\\* sent"):
            await request.post(url, connect_timeout=0.05)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first


async def test_lifecycle_is_idempotent_and_reinitializable(server: EmulatorServer):
    request = AiohttpRequest(connection_pool_size=3)
    url = f"{server.api_base_url}{TOKEN}/getMe"
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(url)
    await request.initialize()
    session = request._session
    await request.initialize()
    assert request._session is session and session is not None
    assert isinstance(session.connector, aiohttp.TCPConnector) and session.connector.limit == 3
    await request.shutdown()
    await request.shutdown()
    assert session.closed
    await request.initialize()
    assert (await request.post(url))["username"] == "test_bot"  # type: ignore[index]
    await request.shutdown()


def test_ptb_timeouts_map_to_client_timeout():
    request = AiohttpRequest(read_timeout=7.0, connect_timeout=3.0, pool_timeout=1.0)
    none = BaseRequest.DEFAULT_NONE
    plain = request.client_timeout(none, none, none, none, uploading=False)
    upload = request.client_timeout(none, none, none, none, uploading=True)
    given = request.client_timeout(30.0, None, 2.0, 0.5, uploading=True)
    assert (plain.sock_read, plain.sock_connect, plain.connect, plain.total) == (7, 3, 4, None)
    assert upload.total == 1.0 + 3.0 + 20.0 + 7.0  # media write timeout, as in HTTPXRequest
    assert (given.sock_read, given.sock_connect, given.connect, given.total) == (30, 2, 2.5, None)
    assert request.read_timeout == 7.0


def test_factory_follows_the_setting():
    def settings(**values: str) -> Settings:
        return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]

    chosen = telegram_request(settings(), 16)
    assert isinstance(chosen, AiohttpRequest) and chosen.connection_pool_size == 16
    assert chosen.read_timeout == 5.0
    assert telegram_request(settings(), 1, read_timeout=30.0).read_timeout == 30.0
    httpx_request = telegram_request(settings(telegram_http_client="httpx"), 1, 30.0)
    assert isinstance(httpx_request, HTTPXRequest) and httpx_request.read_timeout == 30.0


async def test_proxies_from_the_environment_are_read_once(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with AiohttpRequest() as request, AiohttpRequest(proxy="http://mine:1") as given:
        assert (
            request.proxy("https://api.telegram.org/bot1:x/getMe") == "http://proxy.example:3128"
        )
        assert request.proxy("http://127.0.0.1:8080/bot1:x/getMe") is None
        assert given.proxy("http://127.0.0.1:8080/bot1:x/getMe") == "http://mine:1"
    async with AiohttpRequest(trust_env=False) as ignoring:
        assert ignoring.proxy("https://api.telegram.org/bot1:x/getMe") is None


def test_a_call_without_files_is_one_compact_json_object():
    """JSON rather than url-encoding (a Russian text quoted byte by byte in Python cost a tenth
    of a /help's CPU): the text as it is, a keyboard as a nested object."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Начать", callback_data="s:1")]])
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "Привет, <b>мир</b> & все"),
            RequestParameter.from_input("reply_markup", keyboard),
        ]
    )
    body = request_body(data)
    assert isinstance(body, aiohttp.JsonPayload) and body.content_type == "application/json"
    sent = body.decode()
    assert json.loads(sent) == {
        "chat_id": 42,
        "text": "Привет, <b>мир</b> & все",
        "reply_markup": {"inline_keyboard": [[{"text": "Начать", "callback_data": "s:1"}]]},
    }
    assert '"text":"Привет, <b>мир</b> & все"' in sent  # unescaped, no spaces
