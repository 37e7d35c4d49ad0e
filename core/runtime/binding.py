"""Use cases pointed at another unit-of-work factory: the transaction of one update.

The composition root builds the services once, each holding a factory of units of work (and
some holding other services, or flow specs that hold services). `Binder.bind` makes shallow
copies of exactly the objects that hold a factory, directly or through others, with the
factory replaced; everything else (clients, caches, the clock) is shared. Which objects those
are is found once, and a service is bound when an update first uses it: its own copies only
(a read-only command that uses no service copies nothing; a tap on an order card, the few the
order service reaches).
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
        # Per service: every holder it reaches (itself included), so it is bound alone.
        self._reach = {name: self._reached(getattr(services, name), set()) for name in self._top}

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

    def _reached(self, obj: object, found: set[int]) -> list[int]:
        """The holders `obj` reaches through the attributes that change, `obj` first."""
        if isinstance(obj, (list, tuple)):
            return [key for item in obj for key in self._reached(item, found)]
        if isinstance(obj, dict):
            return [key for item in obj.values() for key in self._reached(item, found)]
        key = id(obj)
        if key not in self._holders or key in found:
            return []
        found.add(key)
        reached = [key]
        for name in self._plan[key]:
            if name != _FACTORY:
                reached += self._reached(getattr(obj, name), found)
        return reached

    def bind(self, uow: UowFactory) -> Services:
        """The services pointed at `uow`. Each service is bound when first used (most
        updates use one or two, or none): its holders are copied and their attributes (the
        factory, held services, containers of them) re-pointed at the copies. Copies are
        shared within the returned services, so a service held by another is the same
        bound copy as the one used directly."""
        return _Bound.of(self, uow)

    def bind_all(self, uow: UowFactory) -> Services:
        """`bind`, every service bound at once."""
        bound = self.bind(uow)
        for name in self._top:
            getattr(bound, name)
        return bound

    def _bind_one(self, name: str, uow: UowFactory, memo: dict[int, Any]) -> Any:
        fresh = [key for key in self._reach[name] if key not in memo]
        for key in fresh:
            memo[key] = _copy(self._objects[key])
        for key in fresh:
            twin, original = memo[key], self._objects[key]
            for attribute in self._plan[key]:
                value = uow if attribute == _FACTORY else _swap(getattr(original, attribute), memo)
                object.__setattr__(twin, attribute, value)
        return memo[id(getattr(self._services, name))]


class _Bound(Services):
    """Services whose fields are filled in when first read: the ones that hold no factory
    (the clock, the ledger) are the originals; the others are bound then (`Binder`)."""

    __slots__ = ("_binder", "_factory", "_memo")

    _binder: Binder
    _factory: UowFactory
    _memo: dict[int, Any]

    @classmethod
    def of(cls, binder: Binder, uow: UowFactory) -> Services:
        bound = object.__new__(cls)
        object.__setattr__(bound, "_binder", binder)
        object.__setattr__(bound, "_factory", uow)
        object.__setattr__(bound, "_memo", {})
        return bound

    def __getattr__(self, name: str) -> Any:
        """Only for a field not read yet (a filled slot is found before this is asked)."""
        binder = self._binder
        if name in binder._reach:
            value = binder._bind_one(name, self._factory, self._memo)
        elif name in Services.__dataclass_fields__:
            value = getattr(binder._services, name)
        else:
            raise AttributeError(name)
        object.__setattr__(self, name, value)
        return value


def _swap(value: Any, memo: dict[int, Any]) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_swap(item, memo) for item in value)
    if isinstance(value, dict):
        return {key: _swap(item, memo) for key, item in value.items()}
    return memo.get(id(value), value)
