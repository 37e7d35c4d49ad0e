"""The emulator over HTTP: a Starlette app with Telegram's routes, served by uvicorn in-loop."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sandbox.emulator.emulator import TelegramEmulator
from sandbox.emulator.errors import BotApiError, not_found, unauthorized
from sandbox.emulator.params import read_params
from sandbox.emulator.webhook import WebhookDeliverer

SHUTDOWN_GRACE = 5.0


def _error(error: BotApiError) -> JSONResponse:
    return JSONResponse(error.payload(), status_code=error.status)


class Bots:
    """The bots one emulated Telegram serves, by token: the first is the server's own; more
    are added (an organization's own bot) and revoked (a token @BotFather revoked: 401)."""

    def __init__(self, first: TelegramEmulator) -> None:
        self.first = first
        self._by_token: dict[str, TelegramEmulator] = {first.token: first}

    def add(self, emulator: TelegramEmulator) -> TelegramEmulator:
        self._by_token[emulator.token] = emulator
        return emulator

    def revoke(self, token: str) -> None:
        """The token stops working, as after @BotFather's /revoke: every call answers 401."""
        self._by_token.pop(token, None)

    def get(self, token: str) -> TelegramEmulator | None:
        return self._by_token.get(token)

    def all(self) -> list[TelegramEmulator]:
        return list(self._by_token.values())


def build_app(bots: TelegramEmulator | Bots) -> Starlette:
    """Routes `/bot{token}/{method}` (GET, POST) and `/file/bot{token}/{path}` to the bot the
    token names; an unknown token is answered 401, as Telegram answers it."""
    known = bots if isinstance(bots, Bots) else Bots(bots)

    async def bot_method(request: Request) -> Response:
        emulator = known.get(request.path_params["token"])
        if emulator is None:
            return _error(unauthorized())
        try:
            params = await read_params(request)
            result = await emulator.call(request.path_params["method"], params)
        except BotApiError as error:
            return _error(error)
        return JSONResponse({"ok": True, "result": result})

    async def file(request: Request) -> Response:
        emulator = known.get(request.path_params["token"])
        if emulator is None:
            return _error(unauthorized())
        stored = emulator.state.files_by_path.get(request.path_params["path"])
        if stored is None:
            return _error(not_found())
        return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", bot_method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", file, methods=["GET"]),
        ]
    )


KEEP_ALIVE_SECONDS = 75


class AsgiServer:
    """Runs any ASGI app with uvicorn (h11, no lifespan) in the running event loop.

    Also handy for tests that need a second local server, e.g. a bot's webhook endpoint.
    """

    proxy_headers = True  # uvicorn's X-Forwarded-For handling (for its own allow-list)

    def __init__(self, app: ASGIApp, port: int = 0, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None

    @property
    def url(self) -> str:
        """e.g. `http://127.0.0.1:8123` (the real port once started)."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind and serve; without `main_loop`, so no signal handlers and no 0.1 s ticks."""
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self.port,
            http="h11",
            lifespan="off",
            log_level="warning",
            log_config=None,
            access_log=False,
            proxy_headers=self.proxy_headers,
            timeout_graceful_shutdown=5,
            # Longer than any client's keep-alive (aiohttp's pool keeps an idle connection
            # 15 s, httpx's 5 s): a server that closes an idle connection first races the
            # client's next request on it, which fails with "server disconnected" (uvicorn's
            # default of 5 s did, for about one request in ten after 5 s idle).
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        await server.startup()
        self._server = server
        self.port = int(server.servers[0].sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Close the listener and connections, waiting (bounded) for in-flight requests.

        Like uvicorn's `shutdown`, minus its fixed 0.1 s pause, which adds up over a test suite.
        """
        server, self._server = self._server, None
        if server is None:
            return
        for listener in server.servers:
            listener.close()
        state = server.server_state
        for connection in list(state.connections):
            connection.shutdown()
        if state.tasks:
            _, late = await asyncio.wait(list(state.tasks), timeout=SHUTDOWN_GRACE)
            for task in late:
                task.cancel()
        for _ in range(100):  # closed transports report connection_lost on the next loop turn
            if not state.connections:
                break
            await asyncio.sleep(0)
        for listener in server.servers:
            await listener.wait_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


class EmulatorServer(AsgiServer):
    """Serves an emulator on 127.0.0.1 in the running event loop; delivers webhooks.

    `api_base_url` and `file_base_url` are what PTB's `base_url` / `base_file_url` expect.
    """

    def __init__(
        self,
        emulator: TelegramEmulator,
        port: int = 0,
        host: str = "127.0.0.1",
        webhook_attempts: int = 5,
        webhook_backoff: float = 0.05,
        webhook_max_backoff: float | None = None,
    ) -> None:
        self.bots = Bots(emulator)
        super().__init__(build_app(self.bots), port, host)
        self.emulator = emulator
        self.webhook_attempts = webhook_attempts
        self.webhook_backoff = webhook_backoff
        self.webhook_max_backoff = webhook_max_backoff
        self._deliveries: dict[str, tuple[WebhookDeliverer, asyncio.Task[None]]] = {}
        self._running = False

    @property
    def api_base_url(self) -> str:
        """PTB's `base_url` (PTB appends the token and `/method`)."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """PTB's `base_file_url`."""
        return f"{self.url}/file/bot"

    def add_bot(self, emulator: TelegramEmulator) -> TelegramEmulator:
        """Serve one more bot from this address (its own token, chats, updates and files)."""
        self.bots.add(emulator)
        if self._running:
            self._deliver(emulator)
        return emulator

    def _deliver(self, emulator: TelegramEmulator) -> None:
        emulator.state.closing = False
        deliverer = WebhookDeliverer(
            emulator.state, self.webhook_attempts, self.webhook_backoff, self.webhook_max_backoff
        )
        task = asyncio.create_task(deliverer.run(), name="emulator-webhook")
        self._deliveries[emulator.token] = (deliverer, task)

    async def start(self) -> None:
        """Serve the Bot API and start each bot's webhook delivery loop."""
        for emulator in self.bots.all():
            emulator.state.closing = False
        await super().start()
        self._running = True
        for emulator in self.bots.all():
            self._deliver(emulator)

    async def stop(self) -> None:
        """Stop delivering, release long polls and shut the server down."""
        self._running = False
        deliveries, self._deliveries = list(self._deliveries.values()), {}
        for deliverer, task in deliveries:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await deliverer.aclose()
        for emulator in self.bots.all():
            emulator.close()
        await super().stop()
