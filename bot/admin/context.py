"""What every admin route works with, kept on `app.state.admin` and read back typed, and the
unit of work of one request.

An admin request is applied like a Telegram update (README, "One update, one transaction"):
`request_work` opens one unit of work (storage/update_work.py), the services are bound to it
(core/runtime/binding.py), and everything the request calls (the sign-in check, each use
case, their audit rows, the reads of the answer) shares that transaction. It commits once,
after the route returned and before the answer is sent, and only if something was written; a
route that raises commits nothing, and a route that answers a refusal itself calls
`RequestWork.discard` first. A route that must commit part of its work before it calls
another system (a checkout, before the bank is asked) does not use it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection

from bot.admin.limits import Window, Windows, windows
from bot.admin.security import RateLimiter, Signer
from bot.app import CrmApplication
from bot.container import Container
from core.runtime.binding import Binder
from core.services import Services
from handlers.i18n import Translator
from storage.db import session_factory
from storage.update_work import UpdateWork

AUTH_FAILURES = 10  # refused sign-ins per address per minute; the next is answered 429


@dataclass
class AdminContext:
    """Everything a route needs: the process's container, its bot application (None when
    the admin app runs without one), sessions and rate limits, and (built once) the session
    factory and binder each request's unit of work uses."""

    container: Container
    telegram: CrmApplication | None
    signer: Signer
    secure_cookies: bool
    webhook_secret: str | None = None
    token_limit: RateLimiter = field(default_factory=lambda: RateLimiter(10))
    failed_auth: RateLimiter = field(default_factory=lambda: RateLimiter(30))
    sessions: async_sessionmaker[AsyncSession] = field(init=False)
    binder: Binder = field(init=False)
    limits: Windows = field(init=False)  # shared through Redis when REDIS_URL is set

    def __post_init__(self) -> None:
        self.sessions = session_factory(self.container.engine)
        self.binder = Binder(self.container.services)
        self.limits = windows(self.container.settings.redis_url)
        if self.limits.client is not None:
            self.container.adapters.closers.append(self.limits.client.aclose)

    def translator(self, language: str | None) -> Translator:
        return self.container.catalogs.get(language)

    @property
    def auth_failures(self) -> Window:
        """Refused sign-in links and forged session cookies per address: 10 a minute."""
        return self.limits.get("admin:auth", AUTH_FAILURES, 60.0)


def admin_context(request: HTTPConnection) -> AdminContext:
    context: AdminContext = request.app.state.admin  # set by build_admin_app
    return context


@dataclass(frozen=True, slots=True)
class RequestWork:
    """The request's unit of work: `services` bound to it."""

    services: Services
    work: UpdateWork

    async def discard(self) -> None:
        """Drop everything the request wrote so far (it answers with a refusal): only what
        it writes after this would be committed."""
        await self.work.undo()


async def request_work(request: Request) -> AsyncIterator[RequestWork]:
    context = admin_context(request)
    container = context.container
    clock = container.services.clock
    async with UpdateWork(context.sessions, clock, None, container.jobs_added.fire) as work:
        yield RequestWork(context.binder.bind(work.units), work)
        await work.commit()  # not reached when the route raised: closing rolls back


# scope="function": the work ends when the route returns, before the answer is sent (a
# streamed file never holds the transaction open, and nobody sees an answer that was not
# committed).
WorkDep = Annotated[RequestWork, Depends(request_work, scope="function")]


async def request_services(work: WorkDep) -> Services:
    return work.services


ServicesDep = Annotated[Services, Depends(request_services)]
