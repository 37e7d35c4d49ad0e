"""The chat API: read a persona's chat and act in it (send, tap, press, share, start).

Every action goes through the persona's `UserDriver`, so the bot receives exactly the updates a
scripted test user would produce.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.emulator.markup import utf16_len
from sandbox.emulator.reading import ScenarioError
from sandbox.emulator.scenario import UserDriver
from sandbox.emulator.state import ChatState
from sandbox.web import inputs
from sandbox.web.hub import PHONE, ChatHub
from sandbox.web.inputs import WebError, read_json
from sandbox.web.views import current_keyboard, message_view

T = TypeVar("T")
MAX_TEXT = 4096
MAX_MESSAGE_ID = 2**31 - 1
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Telegram's deep-link payload alphabet


class ChatApi:
    """Routes under /api/chats/{user_id}."""

    def __init__(self, hub: ChatHub) -> None:
        self.hub = hub

    def routes(self) -> list[Route]:
        """The chat routes."""
        base = "/api/chats/{user_id:int}"
        gets = {"messages": self.messages, "commands": self.commands}
        posts = {
            "read": self.read,
            "send": self.send,
            "tap": self.tap,
            "press": self.press,
            "contact": self.contact,
            "location": self.location,
            "start": self.start,
        }
        return [Route(f"{base}/{name}", fn, methods=["GET"]) for name, fn in gets.items()] + [
            Route(f"{base}/{name}", fn, methods=["POST"]) for name, fn in posts.items()
        ]

    def _chat(self, request: Request) -> ChatState:
        return self.hub.chat(int(request.path_params["user_id"]))

    def _driver(self, request: Request) -> UserDriver:
        return self.hub.driver(int(request.path_params["user_id"]))

    def _sent(self, driver: UserDriver, message: dict[str, Any]) -> Response:
        stored = driver.chat.messages[int(message["message_id"])]
        return JSONResponse({"ok": True, "message": message_view(self.hub.state, stored)})

    async def messages(self, request: Request) -> Response:
        """The whole chat, oldest first, plus the reply keyboard it shows now; marks it read."""
        chat = self._chat(request)
        self.hub.mark_read(chat)
        views = [message_view(self.hub.state, stored) for stored in chat.messages.values()]
        return JSONResponse(
            {
                "chat_id": chat.chat_id,
                "persona": self.hub.persona_view(chat),
                "messages": views,
                "keyboard": current_keyboard(chat),
            }
        )

    async def commands(self, request: Request) -> Response:
        """The command menu for this chat and the persona's language (Telegram's lookup)."""
        chat = self._chat(request)
        language = chat.user.get("language_code")
        commands = self.hub.state.effective_commands(chat.chat_id, language)
        menu = [{"command": c["command"], "description": c["description"]} for c in commands]
        return JSONResponse({"commands": menu})

    async def read(self, request: Request) -> Response:
        """The page showed everything in this chat."""
        self.hub.mark_read(self._chat(request))
        return JSONResponse({"ok": True})

    async def send(self, request: Request) -> Response:
        """{text, reply_to?}: a text message (a leading /command becomes a command)."""
        driver = self._driver(request)
        body = await read_json(request)
        text = inputs.text(body, "text", required=True, max_length=MAX_TEXT)
        assert text is not None
        if utf16_len(text) > MAX_TEXT:
            raise inputs.invalid(f"text is longer than {MAX_TEXT} characters")
        reply_to = inputs.integer(body, "reply_to", 1, MAX_MESSAGE_ID, required=False)
        if reply_to is not None and reply_to not in driver.chat.messages:
            raise WebError(404, f"no message {reply_to} to reply to")
        return self._sent(driver, await _act(driver.send(text, reply_to)))

    async def tap(self, request: Request) -> Response:
        """{message_id, callback_data}: tap an inline button (a callback_query update)."""
        driver = self._driver(request)
        body = await read_json(request)
        message_id = inputs.integer(body, "message_id", 1, MAX_MESSAGE_ID)
        data = inputs.text(body, "callback_data", required=True, max_length=64)
        assert message_id is not None and data is not None
        stored = self.hub.state.find_message(driver.chat, message_id)
        if stored is None or not stored.from_bot:
            raise WebError(404, f"no bot message {message_id} in this chat")
        query_id = await _act(driver.tap_data(message_id, data))
        return JSONResponse({"ok": True, "callback_query_id": query_id})

    async def press(self, request: Request) -> Response:
        """{label, latitude?, longitude?}: press a reply-keyboard button.

        A request_contact button shares the persona's contact; a request_location button needs
        the coordinates the person picked.
        """
        driver = self._driver(request)
        body = await read_json(request)
        label = inputs.text(body, "label", required=True, max_length=MAX_TEXT)
        keyboard = current_keyboard(driver.chat) or {"rows": []}
        keys = [key for row in keyboard["rows"] for key in row if key["label"] == label]
        if not keys:
            raise inputs.invalid(f"the reply keyboard has no button {label!r}")
        if keys[0]["request_location"]:
            latitude, longitude = _coordinates(body)
            return self._sent(driver, await driver.send_location(latitude, longitude))
        return self._sent(driver, await _act(driver.press(str(label))))

    async def contact(self, request: Request) -> Response:
        """{phone_number?}: share the persona's own contact (its phone unless one is given)."""
        driver = self._driver(request)
        body = await read_json(request)
        phone = inputs.text(body, "phone_number", max_length=20, pattern=PHONE)
        user = driver.user
        message = await driver.send_contact(
            phone or driver.phone_number, str(user["first_name"]), user.get("last_name"), driver.id
        )
        return self._sent(driver, message)

    async def location(self, request: Request) -> Response:
        """{latitude, longitude}: share a location."""
        driver = self._driver(request)
        latitude, longitude = _coordinates(await read_json(request))
        return self._sent(driver, await driver.send_location(latitude, longitude))

    async def start(self, request: Request) -> Response:
        """{payload?}: what opening a t.me deep link does, `/start <payload>`."""
        driver = self._driver(request)
        body = await read_json(request)
        payload = inputs.text(body, "payload", max_length=64, pattern=_PAYLOAD)
        text = f"/start {payload}" if payload else "/start"
        return self._sent(driver, await driver.send(text))


def _coordinates(body: dict[str, Any]) -> tuple[float, float]:
    return inputs.number(body, "latitude", -90, 90), inputs.number(body, "longitude", -180, 180)


async def _act(action: Awaitable[T]) -> T:
    """Run a driver action; what the person cannot do (no such button...) is a 400."""
    try:
        return await action
    except ScenarioError as error:
        raise inputs.invalid(str(error)) from None
