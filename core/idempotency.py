"""The update being applied, carried in a context variable so every unit of work can claim it.

A Telegram update is applied once: the first unit of work that commits business data while an
update is in scope records the update id in the same transaction. A redelivered update finds
the record and is skipped; a second process racing on it fails that insert and rolls back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(slots=True)
class UpdateScope:
    update_id: int
    claimed: bool = False


_current: ContextVar[UpdateScope | None] = ContextVar("astracrm_update_scope", default=None)


def current_update() -> UpdateScope | None:
    return _current.get()


@contextlib.contextmanager
def update_scope(update_id: int) -> Iterator[UpdateScope]:
    scope = UpdateScope(update_id)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
