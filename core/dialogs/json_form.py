"""Typed values to and from JSON, by their annotations: what a conversation's state is stored
as (`core.dialogs.data`). Dates and times are ISO strings, a NamedTuple is a JSON array, a
dataclass a JSON object with its field names as keys (missing keys take their defaults,
unknown keys are ignored). Anything that does not fit its type raises `Malformed`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]


class Malformed(ValueError):
    """Stored or given data that does not fit the type it should have."""


_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    """The class's field types, resolved once."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = get_type_hints(cls)
    return found


def encode(value: object) -> Json:
    """A value of a supported type as JSON."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise Malformed(f"cannot store a {type(value).__name__}")


def decode(kind: Any, raw: object) -> Any:
    """The value of type `kind` that `raw` (JSON) stands for."""
    origin = get_origin(kind)
    if origin is Union or origin is types.UnionType:
        return _union(get_args(kind), raw)
    if kind is None or kind is type(None):
        return _exactly(None, raw)
    if origin is tuple:
        item, *rest = get_args(kind)
        if rest != [Ellipsis] or not isinstance(raw, list):
            raise Malformed("expected a list")
        return tuple(decode(item, each) for each in raw)
    if isinstance(kind, type) and issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return _named_tuple(kind, raw)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(raw, Mapping):
            raise Malformed(f"expected an object for {kind.__name__}")
        return kind(**fields_of(kind, raw))
    return _scalar(kind, raw)


def fields_of(cls: type, raw: Mapping[str, object]) -> dict[str, Any]:
    """The dataclass's init fields found in `raw`, decoded; a missing one that has no default
    is malformed."""
    found: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if not field.init:
            continue
        if field.name in raw:
            found[field.name] = decode(hints(cls)[field.name], raw[field.name])
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise Malformed(f"{cls.__name__}.{field.name} is missing")
    return found


def _union(arms: tuple[Any, ...], raw: object) -> Any:
    for arm in arms:
        try:
            return decode(arm, raw)
        except Malformed:
            continue
    raise Malformed("fits none of its types")


def _named_tuple(kind: type, raw: object) -> Any:
    names: tuple[str, ...] = kind._fields  # type: ignore[attr-defined]
    defaults: dict[str, object] = kind._field_defaults  # type: ignore[attr-defined]
    if not isinstance(raw, list) or not len(names) - len(defaults) <= len(raw) <= len(names):
        raise Malformed(f"expected a list of {len(names)} for {kind.__name__}")
    return kind(*(decode(hints(kind)[name], item) for name, item in zip(names, raw, strict=False)))


def _scalar(kind: Any, raw: object) -> Any:
    if kind is bool:
        return _exactly(bool, raw)
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise Malformed("expected an integer")
        return raw
    if kind is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise Malformed("expected a number")
        return float(raw)
    if kind is str:
        return _exactly(str, raw)
    if kind in (dt.date, dt.datetime, dt.time):
        if not isinstance(raw, str):
            raise Malformed(f"expected an ISO {kind.__name__}")
        try:
            parsed = kind.fromisoformat(raw)
        except ValueError:
            raise Malformed(f"expected an ISO {kind.__name__}") from None
        return parsed
    raise Malformed(f"no JSON form for {kind!r}")


def _exactly(kind: type | None, raw: object) -> Any:
    if kind is None:
        if raw is not None:
            raise Malformed("expected null")
        return None
    if not isinstance(raw, kind):
        raise Malformed(f"expected a {kind.__name__}")
    return raw


def conforms(kind: Any, value: object) -> bool:
    """Whether a value already has type `kind` (the same check, for a value in hand)."""
    try:
        return bool(decode(kind, encode(value)) == value)
    except Malformed:
        return False
