"""More bots in the sandbox: an organization's own bot (docs/own-bot.md), made with one click
instead of @BotFather. `POST /sandbox/bots {"first_name"}` makes a bot with a token of
Telegram's shape, served by the same emulated Bot API (its own chats, updates and files), and
a web chat for it at `/b/<username>/`; the owner connects it by sending `/ownbot <token>` to
the shared bot. `GET /sandbox/bots` lists every bot with its page. With a folder, the bots
and their chats are kept there (`bots.json`, `world-<username>.json`) across restarts.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from sandbox.emulator.emulator import TelegramEmulator
from sandbox.emulator.server import Bots
from sandbox.web.hub import ChatHub
from sandbox.web.inputs import WebError, read_json
from sandbox.web.persist import WorldAutosave, load_world

MAX_BOTS = 10
NAME = re.compile(r"\S(?:.{0,62}\S)?")  # 1-64 characters, not blank at either end
BOTS_FILE = "bots.json"
_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
    "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
]  # fmt: skip
CYRILLIC = str.maketrans(dict(zip(_RU, _LATIN, strict=True)))  # a username's letters

Pages = Callable[[ChatHub], list[BaseRoute]]  # a bot's web chat routes


class SandboxBots:
    """The bots besides the sandbox's own, each with its chat page."""

    def __init__(
        self,
        bots: Bots,
        add_bot: Callable[[TelegramEmulator], TelegramEmulator],
        app: Starlette,
        pages: Pages,
        make_hub: Callable[[TelegramEmulator], ChatHub],
        folder: Path | None = None,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        self._bots = bots
        self._add_bot = add_bot
        self._app = app
        self.running = False  # the server runs: a new bot's autosave starts at once
        self._pages = pages
        self._make_hub = make_hub
        self._folder = folder
        self._wall = wall_clock
        self.hubs: dict[str, ChatHub] = {}
        self.autosaves: list[WorldAutosave] = []
        self._records: list[dict[str, str]] = []
        for record in self._saved():
            self._serve(record)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/sandbox/bots", self.listed, methods=["GET"]),
            Route("/sandbox/bots", self.create, methods=["POST"]),
        ]

    async def listed(self, request: Request) -> Response:
        first = self._bots.first.state.bot
        shared = {"username": first.get("username"), "first_name": first.get("first_name")}
        own = [{**self._public(record), "path": f"/b/{record['username']}/"}
               for record in self._records]  # fmt: skip
        return JSONResponse({"bots": [{**shared, "path": "/"}, *own]})

    async def create(self, request: Request) -> Response:
        """{first_name}: a new bot; its token is in the answer (to paste into /ownbot)."""
        body = await read_json(request)
        name = body.get("first_name")
        if not isinstance(name, str) or not NAME.fullmatch(name.strip()):
            raise WebError(400, "first_name: 1 to 64 characters")
        if len(self._records) >= MAX_BOTS:
            raise WebError(409, f"at most {MAX_BOTS} bots")
        record = self._new(name.strip())
        self._serve(record)
        self._save()
        answer = {**self._public(record), "token": record["token"]}
        return JSONResponse(
            {"bot": {**answer, "path": f"/b/{record['username']}/"}}, status_code=201
        )

    def _new(self, name: str) -> dict[str, str]:
        taken = {e.state.bot.get("username") for e in self._bots.all()}
        ids = {e.state.bot.get("id") for e in self._bots.all()}
        latin = name.lower().translate(CYRILLIC)
        stem = re.sub(r"[^a-z0-9]+", "_", latin).strip("_")[:20] or "business"
        if not stem[0].isalpha():
            stem = "b_" + stem
        username, n = f"{stem}_bot", 2
        while username in taken:
            username, n = f"{stem}{n}_bot", n + 1
        bot_id = secrets.randbelow(9 * 10**9) + 10**9
        while bot_id in ids:
            bot_id = secrets.randbelow(9 * 10**9) + 10**9
        secret = secrets.token_urlsafe(32)[:35]  # @BotFather's shape: 35 of [A-Za-z0-9_-]
        return {"token": f"{bot_id}:{secret}", "username": username, "first_name": name}

    def _serve(self, record: dict[str, str]) -> None:
        emulator = TelegramEmulator(
            record["token"],
            bot_first_name=record["first_name"],
            bot_username=record["username"],
            wall_clock=self._wall,
        )
        path = self._world(record["username"])
        if path is not None:
            load_world(emulator, path)
            autosave = WorldAutosave(emulator, path)
            self.autosaves.append(autosave)
            if self.running:
                autosave.start()
        self._add_bot(emulator)
        hub = self._make_hub(emulator)
        self.hubs[record["username"]] = hub
        self._app.router.routes.append(Mount(f"/b/{record['username']}", routes=self._pages(hub)))
        self._records.append(record)

    @staticmethod
    def _public(record: dict[str, str]) -> dict[str, Any]:
        return {"username": record["username"], "first_name": record["first_name"]}

    def _world(self, username: str) -> Path | None:
        return self._folder / f"world-{username}.json" if self._folder is not None else None

    def _saved(self) -> list[dict[str, str]]:
        if self._folder is None or not (self._folder / BOTS_FILE).exists():
            return []
        data = json.loads((self._folder / BOTS_FILE).read_text(encoding="utf-8"))
        return [dict(r) for r in data.get("bots", []) if isinstance(r, dict)][:MAX_BOTS]

    def _save(self) -> None:
        if self._folder is None:
            return
        path = self._folder / BOTS_FILE
        path.write_text(json.dumps({"bots": self._records}, indent=1), encoding="utf-8")
        path.chmod(0o600)  # the tokens
