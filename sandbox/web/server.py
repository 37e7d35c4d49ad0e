"""`SandboxServer`: the emulator and the web chat on one port, with the world kept on disk."""

from __future__ import annotations

from pathlib import Path

from sandbox.emulator.emulator import TelegramEmulator
from sandbox.emulator.server import EmulatorServer
from sandbox.web.app import build_sandbox_app, chat_pages, hub_of
from sandbox.web.bots import SandboxBots
from sandbox.web.hub import ChatHub
from sandbox.web.outside import OutsideApi
from sandbox.web.persist import WorldAutosave, load_world

DEFAULT_PORT = 8080
OWN_PERSONAS = 800_000_001  # new personas of an own bot's page: apart from the shared bot's
OWN_PERSONA_STEP = 1_000_000


class SandboxServer(EmulatorServer):
    """An `EmulatorServer` (Bot API, webhooks) whose app also serves the web chat.

    With `world_path`, the saved world is loaded before serving and saved after changes and on
    stop. Stopping ends the page's event streams first, so shutdown never waits on them.
    """

    def __init__(
        self,
        emulator: TelegramEmulator,
        port: int = DEFAULT_PORT,
        host: str = "127.0.0.1",
        *,
        world_path: Path | None = None,
        title: str = "AstraCRM sandbox",
        outside: OutsideApi | None = None,
    ) -> None:
        super().__init__(emulator, port, host)
        if world_path is not None:
            load_world(emulator, world_path)  # before the app, so loaded history counts as read
        outside = outside or OutsideApi()
        self.web_app = build_sandbox_app(emulator, title=title, outside=outside, bots=self.bots)
        self.app = self.web_app
        self.autosave = WorldAutosave(emulator, world_path) if world_path is not None else None
        hub = self.hub

        def make_hub(bot: TelegramEmulator) -> ChatHub:
            name = str(bot.state.bot.get("first_name") or title)
            first = OWN_PERSONAS + len(self.bots.all()) * OWN_PERSONA_STEP
            return ChatHub(
                bot, title=name, keepalive=hub.keepalive, max_upload=hub.max_upload,
                first_persona_id=first, persona_range=OWN_PERSONA_STEP,
            )  # fmt: skip

        self.more_bots = SandboxBots(
            self.bots, self.add_bot, self.web_app, lambda h: chat_pages(h, outside), make_hub,
            world_path.parent if world_path is not None else None, emulator.state.wall,
        )  # fmt: skip
        self.web_app.router.routes[0:0] = self.more_bots.routes()

    @property
    def hub(self) -> ChatHub:
        """The web chat's hub."""
        return hub_of(self.web_app)

    async def start(self) -> None:
        """Serve, then start saving changes."""
        self.hub.closed = False
        for hub in self.more_bots.hubs.values():
            hub.closed = False
        await super().start()
        if self.autosave is not None:
            self.autosave.start()
        self.more_bots.running = True
        for autosave in self.more_bots.autosaves:
            autosave.start()

    async def stop(self) -> None:
        """End event streams, stop serving, then save the final world."""
        self.hub.close()
        for hub in self.more_bots.hubs.values():
            hub.close()
        await super().stop()
        self.more_bots.running = False
        if self.autosave is not None:
            await self.autosave.stop()
        for autosave in self.more_bots.autosaves:
            await autosave.stop()
