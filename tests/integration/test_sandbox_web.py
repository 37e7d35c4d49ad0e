"""The sandbox web chat's JSON API over ASGI: personas, chat actions, files and validation."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.emulator import TelegramEmulator
from sandbox.web import build_sandbox_app, hub_of

TOKEN = "123456:TEST-TOKEN"


def png(width: int = 3, height: int = 2) -> bytes:
    """A real (tiny) PNG, so the photo path sees image bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x10\x80\xf0" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(TOKEN, bot_first_name="AstraCRM", bot_username="astracrm_bot")


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")


@pytest.fixture
async def client(emulator) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(build_sandbox_app(emulator)) as client:
        yield client


async def add_persona(client, **fields) -> int:
    body = {"first_name": "Olga", "language_code": "ru", **fields}
    response = await client.post("/api/personas", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["persona"]["id"])


async def bot_says(emulator, chat_id: int, **params) -> int:
    message = await emulator.call("sendMessage", {"chat_id": chat_id, **params})
    return int(message["message_id"])


async def test_personas_are_created_listed_changed_and_removed(client, emulator):
    olga = await add_persona(client, last_name="Smirnova", username="olga_owner")
    mary = await add_persona(client, first_name="Mary", language_code="en")
    chosen = await add_persona(client, first_name="Ivan", id=42)
    after = await add_persona(client, first_name="Wang", language_code="en")
    assert (olga, mary, chosen, after) == (700_000_001, 700_000_002, 42, 700_000_003)

    listed = (await client.get("/api/personas")).json()["personas"]
    assert [p["name"] for p in listed] == ["Ivan", "Olga Smirnova", "Mary", "Wang"]
    assert emulator.chat(olga).user["language_code"] == "ru"

    changed = await client.patch(f"/api/personas/{olga}", json={"language_code": "en"})
    assert changed.json()["persona"]["language_code"] == "en"
    assert emulator.chat(olga).user["language_code"] == "en", "later updates carry it"

    assert (await client.delete(f"/api/personas/{mary}")).json() == {"ok": True}
    assert mary not in emulator.state.chats
    assert (await client.get(f"/api/personas/{mary}")).status_code == 404


async def test_persona_validation_and_conflicts(client):
    await add_persona(client, username="olga_owner")
    cases = [
        ({"language_code": "de", "first_name": "X"}, 400, "language_code must be one of: en, ru"),
        ({"language_code": "en"}, 400, "first_name is required"),
        ({"first_name": 5}, 400, "first_name must be a string"),
        ({"first_name": "X", "username": "no spaces"}, 400, "username has an invalid format"),
        ({"first_name": "X", "id": 700_000_001}, 409, "persona 700000001 already exists"),
        ({"first_name": "X", "username": "OLGA_OWNER"}, 409, "@OLGA_OWNER is taken"),
    ]
    for body, status, message in cases:
        response = await client.post("/api/personas", json=body)
        assert response.status_code == status, body
        assert response.json()["ok"] is False
        assert response.json()["error"].startswith(message), response.json()


async def test_send_queues_a_message_update_for_the_bot(client, emulator):
    olga = await add_persona(client)
    response = await client.post(f"/api/chats/{olga}/send", json={"text": "  /help  "})
    view = response.json()["message"]
    assert (view["from"], view["text"], view["id"]) == ("user", "/help", 1)
    update = emulator.state.updates[-1]
    assert update["message"]["text"] == "/help"
    assert update["message"]["entities"][0]["type"] == "bot_command"
    assert update["message"]["from"]["language_code"] == "ru"


async def test_history_has_both_sides_in_order_with_sanitised_bot_html(client, emulator):
    olga = await add_persona(client)
    await client.post(f"/api/chats/{olga}/send", json={"text": "hi <b>bot</b>"})
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
    html = "<b>Hello</b>, see <a href='https://example.com'>this</a>"
    await bot_says(emulator, olga, text=html, parse_mode="HTML", reply_markup=markup)
    history = (await client.get(f"/api/chats/{olga}/messages")).json()
    user, bot = history["messages"]
    assert (user["from"], user["html"]) == ("user", "hi &lt;b&gt;bot&lt;/b&gt;")
    assert bot["from"] == "bot"
    assert bot["html"].startswith('<b>Hello</b>, see <a href="https://example.com"')
    assert bot["text"] == "Hello, see this"
    assert bot["buttons"] == [[{"label": "Yes", "kind": "callback", "value": "y"}]]
    assert history["keyboard"] is None


async def test_tap_pushes_a_callback_query_and_refuses_unknown_buttons(client, emulator):
    olga = await add_persona(client)
    markup = {
        "inline_keyboard": [
            [{"text": "Same", "callback_data": "one"}, {"text": "Same", "callback_data": "two"}]
        ]
    }
    message_id = await bot_says(emulator, olga, text="Pick", reply_markup=markup)
    tapped = await client.post(
        f"/api/chats/{olga}/tap", json={"message_id": message_id, "callback_data": "two"}
    )
    query = emulator.state.updates[-1]["callback_query"]
    assert tapped.json()["callback_query_id"] == query["id"]
    assert query["data"] == "two", "the data picks the button even when labels repeat"

    missing = await client.post(
        f"/api/chats/{olga}/tap", json={"message_id": message_id, "callback_data": "three"}
    )
    unknown = await client.post(
        f"/api/chats/{olga}/tap", json={"message_id": 99, "callback_data": "one"}
    )
    assert missing.status_code == 400
    assert "no button with data 'three'" in missing.json()["error"]
    assert (unknown.status_code, unknown.json()["error"]) == (
        404,
        "no bot message 99 in this chat",
    )


async def test_reply_keyboard_press_shares_the_contact_or_location(client, emulator):
    olga = await add_persona(client, phone_number="+79990001122")
    keyboard = {
        "keyboard": [
            [{"text": "Share phone", "request_contact": True}],
            [{"text": "Where am I", "request_location": True}, "Skip"],
        ],
        "one_time_keyboard": True,
    }
    await bot_says(emulator, olga, text="Phone?", reply_markup=keyboard)
    view = (await client.get(f"/api/chats/{olga}/messages")).json()["keyboard"]
    assert view["one_time"] is True
    assert [k["label"] for row in view["rows"] for k in row] == [
        "Share phone",
        "Where am I",
        "Skip",
    ]

    await client.post(f"/api/chats/{olga}/press", json={"label": "Share phone"})
    contact = emulator.state.updates[-1]["message"]["contact"]
    assert contact == {"phone_number": "+79990001122", "first_name": "Olga", "user_id": olga}

    no_place = await client.post(f"/api/chats/{olga}/press", json={"label": "Where am I"})
    assert no_place.status_code == 400
    body = {"label": "Where am I", "latitude": 55.75, "longitude": 37.62}
    await client.post(f"/api/chats/{olga}/press", json=body)
    location = emulator.state.updates[-1]["message"]["location"]
    assert location == {"latitude": 55.75, "longitude": 37.62}
    await client.post(f"/api/chats/{olga}/press", json={"label": "Skip"})
    assert emulator.state.updates[-1]["message"]["text"] == "Skip"

    unknown = await client.post(f"/api/chats/{olga}/press", json={"label": "Nope"})
    assert unknown.json()["error"] == "the reply keyboard has no button 'Nope'"


async def test_contact_location_and_deep_link_start(client, emulator):
    olga = await add_persona(client)
    await client.post(f"/api/chats/{olga}/contact", json={"phone_number": "+7 999 123-45-67"})
    assert emulator.state.updates[-1]["message"]["contact"]["phone_number"] == "+7 999 123-45-67"
    await client.post(f"/api/chats/{olga}/location", json={"latitude": -33.9, "longitude": 151.2})
    assert emulator.state.updates[-1]["message"]["location"]["longitude"] == 151.2
    started = await client.post(f"/api/chats/{olga}/start", json={"payload": "inv_Ab3-dE9"})
    assert started.json()["message"]["text"] == "/start inv_Ab3-dE9"
    assert emulator.state.updates[-1]["message"]["text"] == "/start inv_Ab3-dE9"
    await client.post(f"/api/chats/{olga}/start", json={})
    assert emulator.state.updates[-1]["message"]["text"] == "/start"


async def test_bad_input_is_a_4xx_json_error_never_a_500(client, emulator):
    olga = await add_persona(client)
    cases = [
        ("send", b"{not json", 400, "the request body is not valid JSON"),
        ("send", b"[1, 2]", 400, "the request body must be a JSON object"),
        ("send", b'{"text": "   "}', 400, "text is required"),
        ("send", b'{"text": "' + b"x" * 4097 + b'"}', 400, "text is longer than 4096"),
        ("send", b'{"text": "hi", "reply_to": 77}', 404, "no message 77 to reply to"),
        ("location", b'{"latitude": 91, "longitude": 0}', 400, "latitude must be between"),
        ("location", b'{"latitude": 1, "longitude": "east"}', 400, "longitude must be a number"),
        ("location", b'{"latitude": true, "longitude": 1}', 400, "latitude must be a number"),
        ("tap", b'{"message_id": "x", "callback_data": "a"}', 400, "message_id must be an int"),
        ("start", b'{"payload": "has space"}', 400, "payload has an invalid format"),
        ("contact", b'{"phone_number": "call me"}', 400, "phone_number has an invalid format"),
        ("upload", b"x", 415, "send the file as multipart/form-data"),
    ]
    for action, body, status, message in cases:
        response = await client.post(f"/api/chats/{olga}/{action}", content=body)
        assert response.status_code == status, (action, body[:40], response.text)
        assert response.json()["error"].startswith(message), response.json()
    unknown_chat = await client.post("/api/chats/5/send", json={"text": "hi"})
    unknown_route = await client.get("/api/nothing")
    wrong_method = await client.get(f"/api/chats/{olga}/send")
    assert (unknown_chat.status_code, unknown_chat.json()["error"]) == (404, "no persona 5")
    assert (unknown_route.status_code, unknown_route.json()["ok"]) == (404, False)
    assert wrong_method.status_code == 405
    assert len(emulator.state.updates) == 0, "nothing reached the bot"


async def test_photo_upload_round_trips_through_media(client, emulator):
    olga = await add_persona(client)
    image = png()
    response = await client.post(
        f"/api/chats/{olga}/upload",
        data={"kind": "photo", "caption": "Kitchen"},
        files={"file": ("kitchen.png", image, "image/png")},
    )
    media = response.json()["message"]["media"]
    assert (media["kind"], media["width"], media["height"]) == ("photo", 3, 2)
    message = emulator.state.updates[-1]["message"]
    assert message["caption"] == "Kitchen"
    assert media["file_id"] == message["photo"][-1]["file_id"]
    served = await client.get(media["url"])
    assert served.content == image
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-disposition"].startswith("inline")
    assert served.headers["x-content-type-options"] == "nosniff"


async def test_document_voice_and_audio_uploads(client, emulator):
    olga = await add_persona(client)
    uploads = [
        ("document", ("notes.html", b"<script>x</script>", "text/html"), {}),
        ("voice", ("voice.webm", b"OggS-ish", "audio/webm;codecs=opus"), {"duration": "3"}),
        ("audio", ("song.mp3", b"ID3...", "audio/mpeg"), {}),
    ]
    views = []
    for kind, file, extra in uploads:
        response = await client.post(
            f"/api/chats/{olga}/upload", data={"kind": kind, **extra}, files={"file": file}
        )
        assert response.status_code == 200, response.text
        views.append(response.json()["message"]["media"])
    document, voice, audio = views
    assert (document["file_name"], document["mime"]) == ("notes.html", "text/html")
    assert (voice["mime"], voice["duration"]) == ("audio/webm", 3)
    assert emulator.state.updates[-2]["message"]["voice"]["duration"] == 3
    assert (audio["kind"], audio["file_name"]) == ("audio", "song.mp3")
    served = await client.get(document["url"])
    assert served.headers["content-disposition"] == "attachment; filename*=UTF-8''notes.html"
    assert "sandbox" in served.headers["content-security-policy"]


async def test_upload_refusals(client, emulator):
    olga = await add_persona(client)
    url = f"/api/chats/{olga}/upload"
    not_image = await client.post(url, data={"kind": "photo"}, files={"file": ("a.png", b"nope")})
    empty = await client.post(url, data={"kind": "document"}, files={"file": ("a.txt", b"")})
    no_file = await client.post(url, data={"kind": "document"}, files={"other": ("a", b"x")})
    bad_kind = await client.post(url, data={"kind": "sticker"}, files={"file": ("a", b"x")})
    assert (not_image.status_code, empty.status_code, no_file.status_code) == (415, 400, 400)
    assert bad_kind.json()["error"] == "kind must be one of: photo, document, voice, audio"
    assert (await client.get("/media/nope")).status_code == 404
    assert len(emulator.state.updates) == 0


async def test_files_over_20_mb_are_refused_with_413(client, emulator):
    olga = await add_persona(client)
    oversize = b"\0" * (20 * 1024 * 1024 + 1)
    response = await client.post(
        f"/api/chats/{olga}/upload", data={"kind": "document"}, files={"file": ("big", oversize)}
    )
    assert (response.status_code, response.json()["error"]) == (
        413,
        "the file is larger than 20 MB",
    )
    assert len(emulator.state.updates) == 0


async def test_the_cap_holds_without_a_content_length(emulator):
    async with client_for(build_sandbox_app(emulator, max_upload=1000)) as client:
        olga = await add_persona(client)
        boundary = "XyZ"
        part = 'Content-Disposition: form-data; name="file"; filename="a"'
        head = f"--{boundary}\r\n{part}\r\n\r\n".encode()
        body = head + b"x" * 200_000 + f"\r\n--{boundary}--\r\n".encode()

        async def chunks() -> AsyncIterator[bytes]:  # streamed: no Content-Length header
            for start in range(0, len(body), 16_384):
                yield body[start : start + 16_384]

        response = await client.post(
            f"/api/chats/{olga}/upload",
            content=chunks(),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
    assert response.status_code == 413


async def test_commands_follow_the_chat_scope_and_language(client, emulator):
    olga = await add_persona(client)
    everyone = [{"command": "start", "description": "Start"}]
    hers = [{"command": "team", "description": "Команда"}]
    await emulator.call("setMyCommands", {"commands": everyone})
    scope = {"type": "chat", "chat_id": olga}
    await emulator.call("setMyCommands", {"commands": hers, "scope": scope, "language_code": "ru"})
    assert (await client.get(f"/api/chats/{olga}/commands")).json() == {"commands": hers}
    await client.patch(f"/api/personas/{olga}", json={"language_code": "en"})
    assert (await client.get(f"/api/chats/{olga}/commands")).json() == {"commands": everyone}


async def test_state_names_the_bot_and_counts_unread_bot_messages(client, emulator):
    olga = await add_persona(client)
    mary = await add_persona(client, first_name="Mary", language_code="en")
    await client.post(f"/api/chats/{olga}/send", json={"text": "/start"})
    for text in ("one", "two"):
        await bot_says(emulator, olga, text=text)
    deleted = await bot_says(emulator, olga, text="three")
    await emulator.call("deleteMessage", {"chat_id": olga, "message_id": deleted})
    state = (await client.get("/api/state")).json()
    assert state["bot"] == {"id": 123456, "first_name": "AstraCRM", "username": "astracrm_bot"}
    assert state["unread"] == {str(olga): 2, str(mary): 0}
    await client.get(f"/api/chats/{olga}/messages")  # the page showed the chat
    assert (await client.get("/api/state")).json()["unread"][str(olga)] == 0
    await bot_says(emulator, olga, text="four")
    await client.post(f"/api/chats/{olga}/read")
    assert (await client.get("/api/state")).json()["unread"][str(olga)] == 0


async def test_page_and_static_files(emulator):
    async with client_for(build_sandbox_app(emulator, title="Demo <sandbox>")) as client:
        page = await client.get("/")
        script = await client.get("/static/app.js")
        style = await client.get("/static/style.css")
        missing = await client.get("/static/nope.js")
    assert "<title>Demo &lt;sandbox&gt;</title>" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'data-testid="composer-input"' in page.text
    assert "javascript" in script.headers["content-type"]
    assert style.headers["content-type"].startswith("text/css")
    assert missing.status_code == 404


async def test_the_bot_api_is_served_on_the_same_app(emulator):
    app = build_sandbox_app(emulator)
    async with client_for(app) as client:
        olga = await add_persona(client)
        await client.post(f"/api/chats/{olga}/send", json={"text": "hello"})
        updates = (await client.get(f"/bot{TOKEN}/getUpdates")).json()["result"]
        sent = await client.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": olga, "text": "hi"})
        wrong_token = await client.get("/bot1:nope/getMe")
    assert [u["message"]["text"] for u in updates] == ["hello"]
    assert sent.json()["ok"] is True
    assert hub_of(app).unread(emulator.chat(olga)) == 1
    assert wrong_token.json()["description"] == "Unauthorized", "Telegram's envelope, untouched"
