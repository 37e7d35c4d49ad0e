"""One handler for every button: the data is decoded once, here, and the handler registered
for the action's type receives the typed action; data that decodes to nothing (an old
format, a forged or mangled tap) goes to the "no longer valid" answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update

from handlers.callbacks.codec import Action, decode, kinds
from handlers.context import BotContext

A = TypeVar("A", bound=Action)
Plain = Callable[[Update, BotContext], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    kind: type[Action]
    handler: Callable[[Update, BotContext, Any], Awaitable[None]]


def route(kind: type[A], handler: Callable[[Update, BotContext, A], Awaitable[None]]) -> Route:
    """`handler` takes `kind`'s actions (type-checked here, where the pair is written)."""
    return Route(kind, handler)


class Router:
    """The callback of the one CallbackQueryHandler; every action kind must have a route."""

    def __init__(self, routes: Iterable[Route], stale: Plain) -> None:
        self._handlers = {r.kind: r.handler for r in routes}
        missing = [k.__name__ for k in kinds() if k not in self._handlers]
        if missing:
            raise ValueError(f"callback actions without a handler: {', '.join(missing)}")
        self._stale = stale

    async def __call__(self, update: Update, ctx: BotContext) -> None:
        query = update.callback_query
        action = decode(query.data if query is not None else None)
        handler = self._handlers.get(type(action)) if action is not None else None
        if handler is None:
            await self._stale(update, ctx)
            return
        await handler(update, ctx, action)
