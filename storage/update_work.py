"""One Telegram update, one transaction: from the ledger check to the outbox rows.

The update's unit of work is opened when the update arrives. Every use case the handlers call
joins it (`JoinedUnitOfWork`): their reads see each other's writes, their `commit()` only
flushes, and the update commits once at the end, with its ledger record and the messages it
calls for (`finish`). A use case that fails after writing rolls back what the update wrote so
far; the handler's answer (an error message) is still committed with the ledger record.
An update that changed nothing commits nothing (it is noted as read-only in a batch).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.ports import Clock
from core.runtime.outbox import Delivery, Stored, Unmarked
from storage.uow import REPOSITORIES, SqlUnitOfWork


class UpdateWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        update_id: int | None,
        on_jobs: Callable[[], None] | None = None,
    ) -> None:
        """`update_id` None: a unit of work for something other than an update (an admin
        request): the same single transaction, no ledger record."""
        self.uow = SqlUnitOfWork(sessions, clock, on_jobs, update_id=update_id)
        self._clock = clock
        self.undone = 0  # use cases that failed after writing (their writes rolled back)

    async def __aenter__(self) -> Self:
        await self.uow.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.uow.__aexit__(exc_type, exc, tb)

    def units(self) -> JoinedUnitOfWork:
        """A unit of work for one use case, inside this update's transaction."""
        return JoinedUnitOfWork(self)

    def changed(self) -> bool:
        return self.uow.writes() > 0

    async def undo(self) -> None:
        self.undone += 1
        await self.uow.rollback()

    async def finish(
        self,
        deliveries: Sequence[Delivery],
        owner: str,
        lease: timedelta,
        unmarked: Unmarked | None = None,
    ) -> list[Stored] | None:
        """Commit the update's changes, its ledger record and its deliveries (held by `owner`,
        who sends them next) together, and take out of the outbox the sent edits `unmarked`
        holds (bot/outbox_marks.py). None: it changed nothing, and nothing is committed."""
        if not self.changed():
            return None
        stored = await self.uow.outbox.add(deliveries, owner, self._clock.now(), lease)
        taken = unmarked.take() if unmarked is not None else []
        try:
            await self.uow.outbox.mark(taken)
            await self.uow.commit()
        except BaseException:
            if unmarked is not None:
                unmarked.back(taken)
            raise
        return stored

    async def commit(self) -> None:
        """Commit without deliveries (a unit of work that is not an update's)."""
        if self.changed():
            await self.uow.commit()


class JoinedUnitOfWork(SqlUnitOfWork):
    """A use case's unit of work that is part of an update's transaction."""

    def __init__(self, work: UpdateWork) -> None:
        self._work = work
        self._committed = False
        self._start = 0

    async def __aenter__(self) -> Self:
        parent = self._work.uow
        self._session = parent.session
        self._start = parent.writes()
        self._committed = False
        return self

    def __getattr__(self, name: str) -> object:
        """The update's repositories, shared (made when first used by either)."""
        if name not in REPOSITORIES:
            raise AttributeError(name)
        repository = getattr(self._work.uow, name)
        self.__dict__[name] = repository
        return repository

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        pending = bool(session.new or session.dirty or session.deleted)
        if pending or self._work.uow.writes() > self._start:
            # Written and not committed: a single transaction cannot drop only this part.
            await self._work.undo()
        self._session = None

    async def commit(self) -> None:
        """Part of the update: written with it when it commits."""
        await self.session.flush()
        self._committed = True
        self._start = self._work.uow.writes()
