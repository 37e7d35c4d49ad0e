"""The sandbox web app: the chat page, its JSON API and the emulator's Bot API on one port.

The real bot is pointed at `http://127.0.0.1:8080/bot` while a person chats at
`http://127.0.0.1:8080/`, so one process and one port serve both sides of the conversation.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sandbox.emulator.emulator import TelegramEmulator
from sandbox.emulator.server import Bots, build_app
from sandbox.web.chats import ChatApi
from sandbox.web.hub import ChatHub
from sandbox.web.inputs import WebError, read_json
from sandbox.web.labels import LABELS, language_of, render
from sandbox.web.media import MAX_UPLOAD, MediaApi
from sandbox.web.outside import OutsideApi
from sandbox.web.stream import EventStream
from sandbox.web.views import escape

STATIC = Path(__file__).parent / "static"
KEEPALIVE_SECONDS = 15.0
# Bot HTML is sanitised on the server; this keeps any slip from running script in the page.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class PageApi:
    """The page itself, the sandbox state and the persona routes."""

    def __init__(self, hub: ChatHub) -> None:
        self.hub = hub
        template = (STATIC / "index.html").read_text(encoding="utf-8")
        template = template.replace("{{title}}", escape(hub.title))
        self.pages = {language: render(template, language) for language in LABELS}

    def routes(self) -> list[BaseRoute]:
        """/, /static, /api/state and /api/personas."""
        persona = "/api/personas/{user_id:int}"
        return [
            Route("/", self.index, methods=["GET"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            Route("/api/state", self.state, methods=["GET"]),
            Route("/api/personas", self.personas, methods=["GET"]),
            Route("/api/personas", self.create, methods=["POST"]),
            Route(persona, self.persona, methods=["GET"]),
            Route(persona, self.update, methods=["PATCH"]),
            Route(persona, self.remove, methods=["DELETE"]),
        ]

    async def index(self, request: Request) -> Response:
        """The chat page, in the language of the persona it opens (`?persona=<id>`)."""
        headers = {"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-store"}
        return HTMLResponse(self.pages[self._language(request)], headers=headers)

    def _language(self, request: Request) -> str:
        persona = request.query_params.get("persona", "")
        chat = self.hub.state.chats.get(int(persona)) if persona.isdigit() else None
        return language_of(chat.user.get("language_code") if chat is not None else None)

    async def state(self, request: Request) -> Response:
        """The bot's identity, the personas, unread counts per chat and the page's labels."""
        bot = self.hub.state.bot
        personas = self.hub.personas()
        return JSONResponse(
            {
                "title": self.hub.title,
                "bot": {key: bot.get(key) for key in ("id", "first_name", "username")},
                "personas": personas,
                "unread": {str(persona["id"]): persona["unread"] for persona in personas},
                "labels": LABELS,
            }
        )

    async def personas(self, request: Request) -> Response:
        """Every persona."""
        return JSONResponse({"personas": self.hub.personas()})

    async def persona(self, request: Request) -> Response:
        """One persona."""
        chat = self.hub.chat(int(request.path_params["user_id"]))
        return JSONResponse({"persona": self.hub.persona_view(chat)})

    async def create(self, request: Request) -> Response:
        """{first_name, last_name?, language_code: en|ru, username?, phone_number?, id?}."""
        persona = self.hub.create_persona(await read_json(request))
        return JSONResponse({"persona": persona}, status_code=201)

    async def update(self, request: Request) -> Response:
        """Any of the create fields except id; an empty optional field clears it."""
        user_id = int(request.path_params["user_id"])
        persona = self.hub.update_persona(user_id, await read_json(request))
        return JSONResponse({"persona": persona})

    async def remove(self, request: Request) -> Response:
        """Forget a persona and its chat."""
        self.hub.remove_persona(int(request.path_params["user_id"]))
        return JSONResponse({"ok": True})


async def _web_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, WebError)
    return JSONResponse({"ok": False, "error": error.message}, status_code=error.status)


async def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's own 4xx (unknown route, wrong method, malformed multipart) as JSON too."""
    assert isinstance(error, HTTPException)
    body = {"ok": False, "error": error.detail}
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


def chat_pages(hub: ChatHub, outside: OutsideApi) -> list[BaseRoute]:
    """A bot's web chat: the page, its state, personas, chats, media and events."""
    return [
        *PageApi(hub).routes(),
        *ChatApi(hub).routes(),
        *MediaApi(hub).routes(),
        *EventStream(hub).routes(),
        *outside.routes(),
    ]


def build_sandbox_app(
    emulator: TelegramEmulator,
    *,
    title: str = "AstraCRM sandbox",
    keepalive: float = KEEPALIVE_SECONDS,
    max_upload: int = MAX_UPLOAD,
    outside: OutsideApi | None = None,
    bots: Bots | None = None,
) -> Starlette:
    """The web chat plus the emulator's `/bot{token}/{method}` and `/file/bot{token}/...` routes.

    `app.state.sandbox` is the `ChatHub`; call its `close()` before stopping the server so open
    event streams end at once (`SandboxServer` does). `outside`: the SMS and mail fakes whose
    messages `/api/outside` shows (none: an empty phone and mailbox); `bots`: every bot the
    Bot API routes serve (the emulator's alone when not given).
    """
    hub = ChatHub(emulator, title=title, keepalive=keepalive, max_upload=max_upload)
    routes: list[BaseRoute] = [
        *build_app(bots or emulator).routes,
        *chat_pages(hub, outside or OutsideApi()),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={WebError: _web_error, HTTPException: _http_error},
    )
    app.state.sandbox = hub
    return app


def hub_of(app: Starlette) -> ChatHub:
    """The `ChatHub` of an app made by `build_sandbox_app`."""
    hub = app.state.sandbox
    assert isinstance(hub, ChatHub)
    return hub
