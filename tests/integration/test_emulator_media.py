"""Files through the emulator: multipart uploads, file_id reuse, albums and downloads."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import InputMediaAudio, InputMediaDocument, InputMediaPhoto, Update
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from sandbox.emulator import EmulatorServer, TelegramEmulator

TOKEN = "123456:TEST-TOKEN"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 640, 480) + b"\x08\x02rest"
OGG = b"OggS\x00\x02" + bytes(range(200))


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


def build_app(server: EmulatorServer) -> Application:  # type: ignore[type-arg]
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.api_base_url)
        .base_file_url(server.file_base_url)
        .build()
    )


async def download(file_holder) -> bytes:
    telegram_file = await file_holder.get_file()
    return bytes(await telegram_file.download_as_bytearray())


async def test_bot_uploads_are_downloadable_byte_exact(emulator, server):
    user = emulator.user(id=1, first_name="Ann")
    async with build_app(server) as app:
        bot = app.bot
        photo = await bot.send_photo(1, PNG, caption="<i>pic</i>", parse_mode="HTML")
        document = await bot.send_document(1, b"%PDF-1.4 body", filename="invoice.pdf")
        voice = await bot.send_voice(1, OGG, duration=3)
        assert [(size.width, size.height) for size in photo.photo] == [(90, 68), (640, 480)]
        assert photo.caption == "pic"
        assert await download(photo.photo[-1]) == PNG
        assert document.document.file_name == "invoice.pdf"
        assert await download(document.document) == b"%PDF-1.4 body"
        assert voice.voice.duration == timedelta(seconds=3)
        assert await download(voice.voice) == OGG
        again = await bot.send_photo(1, photo.photo[-1].file_id)
        assert again.photo == photo.photo
    seen = user.messages()
    assert [m.media for m in seen] == ["photo", "document", "voice", "photo"]
    assert seen[0].file_ids == [size.file_id for size in photo.photo]
    assert (seen[0].text, seen[0].html) == ("pic", "<i>pic</i>")


async def test_audio_video_and_location(emulator, server):
    user = emulator.user(id=1, first_name="Ann")
    async with build_app(server) as app:
        audio = await app.bot.send_audio(1, b"ID3 mp3", duration=5, title="Song")
        video = await app.bot.send_video(1, b"mp4 bytes", duration=2, width=320, height=240)
        location = await app.bot.send_location(1, 55.75, 37.62)
        assert (audio.audio.title, audio.audio.duration) == ("Song", timedelta(seconds=5))
        assert (video.video.width, video.video.height) == (320, 240)
        assert await download(video.video) == b"mp4 bytes"
        assert location.location.longitude == pytest.approx(37.62)
    assert [m.media for m in user.messages()] == ["audio", "video", "location"]


async def test_send_media_group_with_uploads_and_file_ids(emulator, server):
    user = emulator.user(id=1, first_name="Ann")
    async with build_app(server) as app:
        first = await app.bot.send_photo(1, PNG)
        album = await app.bot.send_media_group(
            1,
            [
                InputMediaPhoto(PNG + b"2", caption="<b>two</b>", parse_mode="HTML"),
                InputMediaPhoto(first.photo[-1].file_id),
            ],
        )
        assert len({message.media_group_id for message in album}) == 1
        assert album[0].caption == "two"
        assert album[1].photo == first.photo
        assert await download(album[0].photo[-1]) == PNG + b"2"
    messages = user.messages()
    assert [m.media_group_id is not None for m in messages] == [False, True, True]


async def test_user_files_are_downloadable_by_the_bot(emulator, server):
    async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        holder = message.photo[-1] if message.photo else message.document or message.voice
        data = await download(holder)
        group = message.media_group_id or "-"
        await message.reply_text(f"{len(data)} {data[:4].hex()} {group}")

    app = build_app(server)
    media = filters.PHOTO | filters.Document.ALL | filters.VOICE
    app.add_handler(MessageHandler(media, on_file))
    user = emulator.user(id=2, first_name="Bob")
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await user.send_photo(PNG, caption="look")
        await user.send_document(b"hello.txt", "hello.txt", "text/plain")
        await user.send_voice(OGG, duration=4)
        await user.send_album([PNG, PNG + b"x"])
        replies = [m.text for m in await user.replies(5)]
        await app.updater.stop()
        await app.stop()
    assert replies[:3] == [f"{len(PNG)} 89504e47 -", "9 68656c6c -", f"{len(OGG)} 4f676753 -"]
    groups = {reply.rsplit(" ", 1)[1] for reply in replies[3:]}
    assert len(groups) == 1 and "-" not in groups


async def test_file_route_needs_the_token_and_a_known_path(emulator, server):
    import httpx

    emulator.user(id=1, first_name="Ann")
    async with build_app(server) as app:
        sent = await app.bot.send_document(1, b"abc", filename="a.txt")
        path = (await sent.document.get_file()).file_path
    assert path.endswith(".txt")
    relative = path.rsplit("/file/bot" + TOKEN + "/", 1)[-1]
    async with httpx.AsyncClient(base_url=server.url) as client:
        ok = await client.get(f"/file/bot{TOKEN}/{relative}")
        wrong_token = await client.get(f"/file/bot1:wrong/{relative}")
        missing = await client.get(f"/file/bot{TOKEN}/documents/nothing.txt")
    assert (ok.status_code, ok.content) == (200, b"abc")
    assert wrong_token.status_code == 401
    assert missing.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_albums_are_refused_like_telegram(emulator, server):
    emulator.user(id=1, first_name="Ann")
    photos = [InputMediaPhoto(PNG + bytes([n])) for n in range(11)]
    document = InputMediaDocument(b"%PDF-1.4 body", filename="act.pdf")
    async with build_app(server) as app:
        for media in (photos[:1], photos):
            with pytest.raises(BadRequest, match="must be between 2 and 10"):
                await app.bot.send_media_group(1, media)
        with pytest.raises(BadRequest, match="Document can't be mixed with other media types"):
            await app.bot.send_media_group(1, [photos[0], document])
        assert len(await app.bot.send_media_group(1, [document, document])) == 2


async def test_a_file_id_only_sends_its_own_kind(emulator, server):
    emulator.user(id=1, first_name="Ann")
    async with build_app(server) as app:
        photo = await app.bot.send_photo(1, PNG)
        document = await app.bot.send_document(1, PNG, filename="scan.png")
        with pytest.raises(BadRequest, match="Type of file mismatch"):
            await app.bot.send_photo(1, document.document.file_id)
        with pytest.raises(BadRequest, match="Type of file mismatch"):
            await app.bot.send_media_group(
                1,
                [
                    InputMediaPhoto(photo.photo[-1].file_id),
                    InputMediaPhoto(document.document.file_id),
                ],
            )
        with pytest.raises(BadRequest, match="Type of file mismatch"):
            await app.bot.send_document(1, photo.photo[-1].file_id)
        note = await app.bot.send_video_note(1, b"mp4 bytes", duration=4, length=200)
        assert (note.video_note.length, note.video_note.duration) == (200, timedelta(seconds=4))
        again = await app.bot.send_video_note(1, note.video_note.file_id)
        assert again.video_note.file_id == note.video_note.file_id


async def test_documents_go_as_one_album_with_their_names_and_html_captions(emulator, server):
    """sendMediaGroup of documents (an invoice and its report): one album, each document its
    own message with its file name and caption, bytes as sent; audio refused among them; a
    reply_markup sent along is ignored (the Bot API's albums carry no buttons)."""
    import httpx

    user = emulator.user(id=1, first_name="Ann")
    invoice = InputMediaDocument(
        b"%PDF invoice", filename="invoice-1.pdf", caption="<b>Invoice</b> №1", parse_mode="HTML"
    )
    report = InputMediaDocument(b"%PDF report", filename="report-1.pdf", caption="Report")
    async with build_app(server) as app:
        sent = await app.bot.send_media_group(1, [invoice, report])
        assert [m.document.file_name for m in sent] == ["invoice-1.pdf", "report-1.pdf"]
        assert [await download(m.document) for m in sent] == [b"%PDF invoice", b"%PDF report"]
        with pytest.raises(BadRequest, match="Document can't be mixed"):
            await app.bot.send_media_group(1, [invoice, InputMediaAudio(OGG, filename="a.ogg")])
    media = [{"type": "document", "media": m.document.file_id} for m in sent]
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "x"}]]}
    async with httpx.AsyncClient() as http:
        url = f"{server.api_base_url}{TOKEN}/sendMediaGroup"
        body = {"chat_id": 1, "media": media, "reply_markup": markup}
        assert (await http.post(url, json=body)).json()["ok"]
    shown, extra = user.messages()[:2], user.messages()[2:]
    assert [m.labels for m in extra] == [[], []]
    assert [m.media for m in shown] == ["document", "document"]
    assert len({m.media_group_id for m in shown}) == 1 and shown[0].media_group_id
    assert [m.text for m in shown] == ["Invoice №1", "Report"]
    assert shown[0].html == "<b>Invoice</b> №1" and shown[0].parse_mode == "HTML"
