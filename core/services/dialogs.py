"""Runs any registered flow: one input, one transaction, state saved or the use case completed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from core.dialogs import DialogInput, DialogState, Flow
from core.domain import Actor
from core.errors import ConcurrencyConflict, DomainError
from core.outcomes import Cancelled, NoDialog, Outcome, Prompt, Reask
from core.ports import Clock, UnitOfWork, UowFactory

_RETRIES = 3


class FlowSpec(Protocol):
    """A flow and the use case that runs when all of its steps are answered."""

    flow: Flow

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Look things up between steps (matches, suggestions, lists); may raise DomainError
        to ask the same step again."""
        ...

    async def complete(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, data: Mapping[str, Any]
    ) -> Outcome: ...


class SimpleFlowSpec:
    """A flow whose steps need nothing looked up between them."""

    async def enrich(
        self, uow: UnitOfWork, actor: Actor, data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        return data


class DialogService:
    def __init__(self, uow: UowFactory, clock: Clock, specs: Iterable[FlowSpec]) -> None:
        self._uow = uow
        self._clock = clock
        self._specs = {spec.flow.name: spec for spec in specs}

    def flow(self, name: str) -> Flow:
        return self._specs[name].flow

    async def current(self, actor: Actor, chat_id: int) -> DialogState | None:
        async with self._uow() as uow:
            return await uow.dialogs.get(chat_id, actor.user.id)

    async def start(
        self, actor: Actor, chat_id: int, flow: str, data: Mapping[str, Any] | None = None
    ) -> Prompt:
        spec = self._specs[flow]
        async with self._uow() as uow:
            state = spec.flow.first(await spec.enrich(uow, actor, dict(data or {})))
            await uow.dialogs.save(chat_id, actor.user.id, state, self._clock.now())
            await uow.commit()
        return Prompt(state)

    async def answer(self, actor: Actor, chat_id: int, given: DialogInput) -> Outcome:
        for attempt in range(_RETRIES):
            try:
                return await self._answer_once(actor, chat_id, given)
            except ConcurrencyConflict:
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _answer_once(self, actor: Actor, chat_id: int, given: DialogInput) -> Outcome:
        async with self._uow() as uow:
            state = await uow.dialogs.get(chat_id, actor.user.id)
            if state is None or state.flow not in self._specs:
                return NoDialog()
            spec = self._specs[state.flow]
            try:
                data = spec.flow.apply(state, given)
                progress = spec.flow.proceed(state, await spec.enrich(uow, actor, data))
            except DomainError as error:
                return Reask(state, error)
            if progress.finished:
                await uow.dialogs.clear(chat_id, actor.user.id)
                outcome = await spec.complete(uow, actor, chat_id, progress.state.data)
            else:
                await uow.dialogs.save(chat_id, actor.user.id, progress.state, self._clock.now())
                outcome = Prompt(progress.state)
            await uow.commit()
            return outcome

    async def cancel(self, actor: Actor, chat_id: int) -> Cancelled:
        async with self._uow() as uow:
            state = await uow.dialogs.get(chat_id, actor.user.id)
            if state is None:
                return Cancelled(None)
            await uow.dialogs.clear(chat_id, actor.user.id)
            await uow.commit()
            return Cancelled(state.flow)
