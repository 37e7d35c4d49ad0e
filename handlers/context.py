"""The typed context every handler receives: services, the actor and their translator."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from core.domain import Actor
from core.ownbot.routing import message_key
from core.services import Services
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import Catalogs, Translator
from handlers.runners import JobRunners


@dataclass(slots=True)
class UpdateScope:
    """What one update is applied with: the services joined to its unit of work, the sender
    as identified when it arrived, and the messages it calls for."""

    services: Services
    actor: Actor | None
    outgoing: Outgoing = field(default_factory=Outgoing)
    received_at: datetime | None = None  # when it first came in (the update inbox), if known
    bot: int = 0  # the number of the bot it came through (core/ownbot/routing.py; 0 shared)
    bot_org: int | None = None  # the organization whose own bot that is
    bot_staff: bool = True  # whether that organization's staff work through it too


class BotData:
    """Application-wide collaborators, set once by the composition root before start-up.

    python-telegram-bot constructs this object itself (it takes a class, not an instance),
    so the collaborators arrive through `configure` right after the application is built.
    """

    services: Services
    catalogs: Catalogs
    privacy_policy_url: str
    # The update being applied, by id: set by the application around each update.
    scopes: dict[int, UpdateScope]
    background: JobRunners | None = None  # so a handler can nudge them after enqueueing
    # The user name of an organization's own bot, when served (docs/own-bot.md): its
    # clients' invitations open a chat with it.
    own_bot_username: Callable[[int], str | None] = staticmethod(lambda org_id: None)

    def configure(self, services: Services, catalogs: Catalogs, privacy_policy_url: str) -> None:
        self.services = services
        self.catalogs = catalogs
        self.privacy_policy_url = privacy_policy_url
        self.scopes = {}


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """Per-update context. `actor` and `t` are filled in before any handler runs."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._actor: Actor | None = None
        self._t: Translator | None = None
        self._scope: UpdateScope | None = None
        self._bot: ExtBot[None] | None = None  # the bot the update came through

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> Self:
        context = super().from_update(update, application)
        update_id = getattr(update, "update_id", None)
        if isinstance(update_id, int):
            context._scope = context.bot_data.scopes.get(update_id)
        if isinstance(update, Update):
            # An organization's own bot, or the shared one (docs/own-bot.md): what the
            # handlers ask of Telegram (a file, a direct answer) goes through it.
            with contextlib.suppress(RuntimeError):
                bot = update.get_bot()
                if isinstance(bot, ExtBot):
                    context._bot = bot
        return context

    @property
    def bot(self) -> ExtBot[None]:
        return self._bot if self._bot is not None else super().bot

    def message_key(self, message_id: int) -> int:
        """A message of this update's chat (the tapped one) as `Outgoing` names it: with the
        bot the update came through (core/ownbot/routing.py)."""
        return message_key(self.scope.bot if self.in_update else 0, message_id)

    @property
    def bot_number(self) -> int:
        """The number of the bot the update came through (0: the shared bot)."""
        return self.scope.bot if self.in_update else 0

    @property
    def in_update(self) -> bool:
        return self._scope is not None

    @property
    def scope(self) -> UpdateScope:
        if self._scope is None:
            raise RuntimeError("no update is being applied")
        return self._scope

    @property
    def services(self) -> Services:
        """The use cases, inside this update's unit of work when an update is applied."""
        return self._scope.services if self._scope is not None else self.bot_data.services

    @property
    def outgoing(self) -> Outgoing:
        return self.scope.outgoing

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("no actor for this update")
        return self._actor

    @property
    def has_actor(self) -> bool:
        return self._actor is not None

    @property
    def t(self) -> Translator:
        return self._t or self.bot_data.catalogs.get(None)

    @property
    def locale(self) -> str:
        return self.t.locale

    def set_actor(self, actor: Actor | None, language: str | None = None) -> None:
        self._actor = actor
        self._t = self.bot_data.catalogs.get(language)

    def translator(self, language: str | None) -> Translator:
        return self.bot_data.catalogs.get(language)
