"""Runs any registered flow: one input, one transaction, state saved or the use case completed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar

from core.dialogs.engine import DialogData, DialogInput, DialogState, Flow, Progress
from core.domain import Actor
from core.errors import ConcurrencyConflict, DomainError
from core.outcomes import Cancelled, NoDialog, Outcome, Prompt, Reask
from core.ports import Clock, UnitOfWork, UowFactory

_RETRIES = 3
D = TypeVar("D", bound=DialogData)


class FlowSpec(Protocol):
    """A flow and the use case that runs when all of its steps are answered, as the dialog
    service runs it (whatever the flow's data type)."""

    @property
    def flow_name(self) -> str: ...
    def knows_step(self, step: str) -> bool: ...
    async def begin(self, uow: UnitOfWork, actor: Actor, data: DialogData | None) -> DialogState:
        """The first question, given what is known at the start."""
        ...

    async def advance(
        self, uow: UnitOfWork, actor: Actor, state: DialogState, given: DialogInput
    ) -> Progress:
        """One answer, then what is looked up; DomainError asks the same step again."""
        ...

    async def finish(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, state: DialogState
    ) -> Outcome: ...


class Spec(Generic[D]):
    """A flow over data of type `D`: `enrich` looks things up between steps (matches,
    suggestions, lists; DomainError asks the same step again), `complete` is the use case."""

    flow: Flow[D]

    @property
    def flow_name(self) -> str:
        return self.flow.name

    def knows_step(self, step: str) -> bool:
        return self.flow.has_step(step)

    async def enrich(self, uow: UnitOfWork, actor: Actor, data: D) -> D:
        return data

    async def complete(self, uow: UnitOfWork, actor: Actor, chat_id: int, data: D) -> Outcome:
        raise NotImplementedError

    async def begin(self, uow: UnitOfWork, actor: Actor, data: DialogData | None) -> DialogState:
        initial = self.flow.kind() if data is None else self.flow.data_of(data)
        return self.flow.start(await self.enrich(uow, actor, initial))

    async def advance(
        self, uow: UnitOfWork, actor: Actor, state: DialogState, given: DialogInput
    ) -> Progress:
        answered = self.flow.apply(state, given)
        return self.flow.proceed(state, await self.enrich(uow, actor, answered))

    async def finish(
        self, uow: UnitOfWork, actor: Actor, chat_id: int, state: DialogState
    ) -> Outcome:
        return await self.complete(uow, actor, chat_id, self.flow.data_of(state.data))


class DialogService:
    def __init__(self, uow: UowFactory, clock: Clock, specs: Iterable[FlowSpec]) -> None:
        self._uow = uow
        self._clock = clock
        self._specs = {spec.flow_name: spec for spec in specs}

    async def current(self, actor: Actor, chat_id: int) -> DialogState | None:
        async with self._uow() as uow:
            return await uow.dialogs.get(chat_id, actor.user.id)

    async def start(
        self, actor: Actor, chat_id: int, flow: str, data: DialogData | None = None
    ) -> Prompt:
        """Begin `flow`, with what is already known (its own data type) answered."""
        if data is not None and data.flow != flow:
            raise ValueError(f"{type(data).__name__} does not start {flow}")
        spec = self._specs[flow]
        async with self._uow() as uow:
            state = await spec.begin(uow, actor, data)
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
            spec = self._specs.get(state.flow) if state is not None else None
            if state is None or spec is None or not spec.knows_step(state.step):
                return NoDialog()  # none, or one this version cannot continue
            try:
                progress = await spec.advance(uow, actor, state, given)
            except DomainError as error:
                return Reask(state, error)
            if progress.finished:
                await uow.dialogs.clear(chat_id, actor.user.id)
                outcome = await spec.finish(uow, actor, chat_id, progress.state)
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
