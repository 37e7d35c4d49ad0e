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


def build_app(emulator: TelegramEmulator) -> Starlette:
    """Routes `/bot{token}/{method}` (GET, POST) and `/file/bot{token}/{path}`."""

    async def bot_method(request: Request) -> Response:
        if request.path_params["token"] != emulator.token:
            return _error(unauthorized())
        try:
            params = await read_params(request)
            result = await emulator.call(request.path_params["method"], params)
        except BotApiError as error:
            return _error(error)
        return JSONResponse({"ok": True, "result": result})

    async def file(request: Request) -> Response:
        if request.path_params["token"] != emulator.token:
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
        super().__init__(build_app(emulator), port, host)
        self.emulator = emulator
        self.webhook_attempts = webhook_attempts
        self.webhook_backoff = webhook_backoff
        self.webhook_max_backoff = webhook_max_backoff
        self._deliverer: WebhookDeliverer | None = None
        self._delivery: asyncio.Task[None] | None = None

    @property
    def api_base_url(self) -> str:
        """PTB's `base_url` (PTB appends the token and `/method`)."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """PTB's `base_file_url`."""
        return f"{self.url}/file/bot"

    async def start(self) -> None:
        """Serve the Bot API and start the webhook delivery loop."""
        self.emulator.state.closing = False
        await super().start()
        self._deliverer = WebhookDeliverer(
            self.emulator.state,
            self.webhook_attempts,
            self.webhook_backoff,
            self.webhook_max_backoff,
        )
        self._delivery = asyncio.create_task(self._deliverer.run(), name="emulator-webhook")

    async def stop(self) -> None:
        """Stop delivering, release long polls and shut the server down."""
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None
        if self._deliverer is not None:
            await self._deliverer.aclose()
            self._deliverer = None
        self.emulator.close()
        await super().stop()
