"""The conversation `client_reply` (a staff member's Reply to a client's message, or "Message
client" on the order card): one step, the text, checked; completing it sends the text to the
client (`core.client_loop.relay.staff_message`)."""

from __future__ import annotations

from core.client_loop.inbound import TEXT_MAX
from core.client_loop.relay import staff_message
from core.dialogs.client_data import ClientReplyData
from core.dialogs.engine import DialogInput, Flow, Step
from core.dialogs.service import Spec
from core.domain import Actor
from core.errors import DomainError
from core.outcomes import Outcome
from core.ports import Clock, UnitOfWork


def _text(given: DialogInput, _data: ClientReplyData) -> str:
    text = (given.text or "").strip()
    if not text:
        raise DomainError("client_message_text")
    if len(text) > TEXT_MAX:
        raise DomainError("text_too_long", limit=TEXT_MAX, length=len(text))
    return text


REPLY_FLOW = Flow(ClientReplyData, (Step("text", _text),))


class ClientReplySpec(Spec[ClientReplyData]):
    flow = REPLY_FLOW

    def __init__(self, clock: Clock, default_language: str = "en") -> None:
        self._clock = clock
        self._default = default_language

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: ClientReplyData
    ) -> Outcome:
        return await staff_message(uow, self._clock, actor, data, self._default)
