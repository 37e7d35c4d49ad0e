"""A client's own reason for cancelling a visit from a reminder (issue 19, item 5).

The reminder's Cancel offers preset reasons and "Other reason". That one starts a
conversation of one step kept in `dialog_state` like every flow (`client_cancel`, data
`ClientCancelData`: the organization, the order and the order's time the reminder was
about): the client's next text in that chat is the reason. It is cleaned like any typed
line (`core.text.clean_line`: NFC, no control, format or private-use characters such as
bidi overrides and zero-width spaces, white space collapsed) and must have 1 to
`REASON_MAX` characters (else the client is asked again and the conversation stays). Then
the visit is cancelled exactly as with a preset reason (`visits.cancel_visit`: the order's
status, the history with the reason, the incoming message, the staff notice), and the
conversation is cleared in the same unit of work.

Everything is checked again when the text arrives: the person must still be the order's
linked client, and the order still at the reminder's time and not started, else the answer
says why (and the conversation ends). A command in the client's chat ends it too.
"""

from __future__ import annotations

from core.client_loop.page import REASON_MAX
from core.client_loop.visits import (
    FOREIGN,
    Answer,
    Outcome,
    cancel_visit,
    linked_visit,
    refusal,
)
from core.dialogs.client_data import ClientCancelData
from core.dialogs.engine import DialogState
from core.errors import DomainError
from core.ports import Clock, UowFactory
from core.text import clean_line

REASON_STEP = "reason"


def typed_reason(text: str) -> str:
    """The reason as stored: one clean line of 1 to REASON_MAX characters (DomainError)."""
    reason = clean_line(text)
    if not reason:
        raise DomainError("client_reason_empty")
    if len(reason) > REASON_MAX:
        raise DomainError("text_too_long", limit=REASON_MAX, length=len(reason))
    return reason


class CancelReasons:
    _uow: UowFactory
    _clock: Clock

    async def ask_reason(
        self, user_id: int, chat_id: int, org_id: int, order_id: int, at: int
    ) -> Outcome:
        """ "Other reason" tapped: the next text in `chat_id` is the reason (`MOVED` stands
        for "asked"; otherwise why the visit cannot be cancelled any more)."""
        async with self._uow() as uow:
            visit = await linked_visit(uow, user_id, org_id, order_id)
            refused = refusal(visit, at)
            if refused is not None:
                return Outcome(refused, visit.order, zone=visit.org.timezone)
            data = ClientCancelData(org_id=org_id, order_id=order_id, at=at)
            await uow.dialogs.save(
                chat_id, user_id, DialogState(REASON_STEP, data), self._clock.now()
            )
            await uow.commit()
        return Outcome(Answer.MOVED, visit.order, zone=visit.org.timezone)

    async def reason_typed(self, user_id: int, chat_id: int, text: str) -> Outcome | None:
        """The client's text as the awaited reason: the visit cancelled with it (None: no
        reason is awaited in this chat; DomainError: not a usable reason, asked again)."""
        async with self._uow() as uow:
            state = await uow.dialogs.get(chat_id, user_id)
            if state is None or not isinstance(state.data, ClientCancelData):
                return None
            data = state.data
            reason = typed_reason(text)  # refused: the conversation stays
            await uow.dialogs.clear(chat_id, user_id)
            try:
                visit = await linked_visit(uow, user_id, data.org_id, data.order_id)
            except DomainError as error:
                if error.code != FOREIGN:
                    raise
                await uow.commit()  # no longer this person's visit: only the question ends
                return Outcome(Answer.CLOSED)
            now = self._clock.now()
            refused = refusal(visit, data.at)
            if refused is not None:
                await uow.commit()
                return Outcome(refused, visit.order, zone=visit.org.timezone)
            outcome = await cancel_visit(uow, visit, reason, now)
            if outcome.answer is Answer.CANCELLED:
                await uow.commit()
        return outcome

    async def forget_reason(self, user_id: int, chat_id: int) -> None:
        """A command instead of the reason: the question ends (nothing else is read)."""
        async with self._uow() as uow:
            state = await uow.dialogs.get(chat_id, user_id)
            if state is not None and isinstance(state.data, ClientCancelData):
                await uow.dialogs.clear(chat_id, user_id)
                await uow.commit()
