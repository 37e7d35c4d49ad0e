"""Use cases pointed at another unit-of-work factory: the transaction of one update.

The composition root builds the services once, each holding a factory of units of work (and
some holding other services, or flow specs that hold services). `Binder.bind` makes shallow
copies of exactly the objects that hold a factory, directly or through others, with the
factory replaced; everything else (clients, caches, the clock) is shared. Which objects those
are is found once, so a bind costs a few dozen copies and is done only when an update uses a
service.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from core.ports import UowFactory
from core.services import Services

_FACTORY = "_uow"


def _fields(obj: object) -> list[str]:
    names = list(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        names += [n for n in getattr(cls, "__slots__", ()) if n not in names and hasattr(obj, n)]
    return names


def _copy(obj: Any) -> Any:
    """A shallow copy; for a plain object without copy.copy's protocol (several times faster)."""
    state = getattr(obj, "__dict__", None)
    if state is None or hasattr(type(obj), "__slots__"):
        return copy.copy(obj)
    twin = object.__new__(type(obj))
    twin.__dict__.update(state)
    return twin


def _is_ours(obj: object) -> bool:
    return type(obj).__module__.startswith("core.")


class Binder:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._holders: set[int] = set()
        self._plan: dict[int, list[str]] = {}  # per holder: the attributes that change
        self._objects: dict[int, Any] = {}
        seen: set[int] = set()
        self._top = [
            field.name
            for field in dataclasses.fields(services)
            if self._scan(getattr(services, field.name), seen)
        ]

    def _scan(self, obj: object, seen: set[int]) -> bool:
        """Whether `obj` holds a factory, directly or through what it holds."""
        if isinstance(obj, (list, tuple)):
            return any([self._scan(item, seen) for item in obj])
        if isinstance(obj, dict):
            return any([self._scan(item, seen) for item in obj.values()])
        if not _is_ours(obj) or getattr(obj, "shared_across_updates", False):
            return False
        if id(obj) in seen:
            return id(obj) in self._holders
        seen.add(id(obj))
        changing = [
            name
            for name in _fields(obj)
            if name == _FACTORY or self._scan(getattr(obj, name), seen)
        ]
        if changing:
            self._holders.add(id(obj))
            self._objects[id(obj)] = obj
            self._plan[id(obj)] = changing
        return bool(changing)

    def bind(self, uow: UowFactory) -> Services:
        """Two passes over the holders found at start: copy each, then re-point the copies'
        attributes (the factory, held services, containers of them) at the copies."""
        memo = {key: _copy(obj) for key, obj in self._objects.items()}
        for key, names in self._plan.items():
            twin, original = memo[key], self._objects[key]
            for name in names:
                value = uow if name == _FACTORY else _swap(getattr(original, name), memo)
                object.__setattr__(twin, name, value)
        bound: Services = _copy(self._services)
        for name in self._top:
            object.__setattr__(bound, name, memo[id(getattr(self._services, name))])
        return bound


def _swap(value: Any, memo: dict[int, Any]) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_swap(item, memo) for item in value)
    if isinstance(value, dict):
        return {key: _swap(item, memo) for key, item in value.items()}
    return memo.get(id(value), value)
