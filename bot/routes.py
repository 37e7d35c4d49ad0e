"""Which bot a message goes through (docs/own-bot.md): to a client, the organization's own bot
once the client has written to it (`bot_chat`; a bot may write only to people who started
it), the shared bot otherwise, and the shared bot again for a client who blocked the own bot;
to a staff member, their organization's own bot when its owner let staff use it and they have
written to it. The outbox's sender asks it for every client message (`Delivery.client_org`)
and every other new message; the jobs that write to clients themselves ask it through
`handlers.client_loop.client_bot`."""

from __future__ import annotations

import dataclasses
import logging

from telegram import Bot

from bot.fleet import Fleet
from core.ownbot.routing import SHARED_BOT
from core.runtime.outbox import Delivery, Method
from core.services import Services

log = logging.getLogger(__name__)


class ClientRoutes:
    def __init__(self, fleet: Fleet, services: Services) -> None:
        self._fleet = fleet
        self._services = services
        self.shared: Bot = fleet.shared

    async def number_for(self, org_id: int, chat_id: int) -> int:
        """The number of the bot the organization writes to that chat through."""
        spec = self._fleet.of_org(org_id)
        if spec is None:
            return SHARED_BOT
        if self._fleet.chats.knows(spec.number, chat_id):
            return spec.number
        if await self._services.own_bots.has_chat(spec.number, chat_id):
            self._fleet.chats.know(spec.number, chat_id)
            return spec.number
        return SHARED_BOT

    async def staff_number(self, chat_id: int) -> int:
        """The number of the bot a staff member is written to through: their organization's
        own bot when the owner let staff use it and they have written to it (read only while
        this process serves such a bot), else the shared bot."""
        if not self._fleet.serves_staff:
            return SHARED_BOT
        number = await self._services.own_bots.staff_bot(chat_id)
        spec = self._fleet.spec(number) if number else None
        return number if spec is not None and spec.serves_staff and number else SHARED_BOT

    async def staff_bot(self, chat_id: int) -> tuple[int, Bot]:
        number = await self.staff_number(chat_id)
        return number, self._fleet.bot(number)

    async def bot_for(self, org_id: int, chat_id: int) -> tuple[int, Bot]:
        number = await self.number_for(org_id, chat_id)
        return number, self._fleet.bot(number)

    async def any_bot(self, chat_id: int) -> tuple[int, Bot]:
        """A bot the person has a chat with, for what is not an organization's (the privacy
        policy's notice to a client): an own bot they wrote to, else the shared bot."""
        for number in await self._services.own_bots.chats_of(chat_id):
            if self._fleet.spec(number) is not None:
                return number, self._fleet.bot(number)
        return SHARED_BOT, self.shared

    async def blocked(self, number: int, chat_id: int) -> None:
        log.info("own bot %s blocked by a chat: the shared bot writes to it", number)
        self._fleet.chats.forget(number, chat_id)
        await self._services.own_bots.forget_chat(number, chat_id)


async def routed_delivery(
    delivery: Delivery, services: Services, routes: ClientRoutes | None
) -> Delivery | None:
    """The delivery with the bot it goes through, when it is sent: a client's message through
    their chat with the organization's own bot, a staff member's new message through the own
    bot they work in; the "on my way" edit through the bot that sent the message, as an edit
    of it (None: a later edit superseded it)."""
    if delivery.method is Method.LIVE:
        p = delivery.params
        target = await services.trips.live_target(
            int(str(p["org"])), int(str(p["order"])), int(str(p["edit"]))
        )
        if target is None:
            return None
        params: dict[str, object] = {"text": p["text"], "message_id": target[1]}
        return Delivery(delivery.chat_id, Method.EDIT, params, quiet=True, bot=target[0])
    org = delivery.client_org
    if delivery.bot is not None or routes is None:
        return delivery
    if org is not None:
        number = await routes.number_for(org, delivery.chat_id)
    elif delivery.method.new_message or delivery.method is Method.PHOTO:  # to staff
        number = await routes.staff_number(delivery.chat_id)
    else:
        return delivery
    return dataclasses.replace(delivery, bot=number) if number else delivery
