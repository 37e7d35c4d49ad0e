"""The typed context every handler receives: services, the actor and their translator."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from core.domain import Actor
from core.services import Services
from handlers.i18n import Catalogs, Translator
from handlers.runners import JobRunners


class BotData:
    """Application-wide collaborators, set once by the composition root before start-up.

    python-telegram-bot constructs this object itself (it takes a class, not an instance),
    so the collaborators arrive through `configure` right after the application is built.
    """

    services: Services
    catalogs: Catalogs
    privacy_policy_url: str
    background: JobRunners | None = None  # so a handler can nudge them after enqueueing

    def configure(self, services: Services, catalogs: Catalogs, privacy_policy_url: str) -> None:
        self.services = services
        self.catalogs = catalogs
        self.privacy_policy_url = privacy_policy_url


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

    @property
    def services(self) -> Services:
        return self.bot_data.services

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
