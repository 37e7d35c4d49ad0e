"""Callback data as typed values: each kind of button is a frozen dataclass with a template
such as `oa:{order_id}:{action}`; `encode` writes one within Telegram's 64 bytes and `decode`
reads any string back into exactly one of them, or None.

Decoding is strict, so that a string decodes only if `encode` could have written it: ids are
ASCII digits without leading zeros up to int64, sub-actions are one of the values the field's
type allows, free text is printable, and the whole fits in 64 bytes. Anything else (an old
format, a forged tap, odd Unicode) is None, and the router answers it as out of date.
"""

from __future__ import annotations

import enum
import re
import string
from dataclasses import dataclass, fields
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin, get_type_hints

LIMIT = 64  # bytes of UTF-8: Telegram's limit for callback_data
INT64 = 2**63 - 1


class FreeText:
    """Marks a str field as free text: printable, may contain ':', and must come last."""


@dataclass(frozen=True)
class UpTo:
    """Marks an int field as a small number (a page, a count), at most `limit`."""

    limit: int


Text = Annotated[str, FreeText]
Small = Annotated[int, UpTo(100_000)]  # pages, counts, hours, days: page x size fits int64


class Action:
    """Base of every callback action; subclasses are frozen dataclasses with a template."""

    TEMPLATE: ClassVar[str]
    _KINDS: ClassVar[list[type[Action]]] = []

    def __init_subclass__(cls, template: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.TEMPLATE = template
        Action._KINDS.append(cls)


class Field:
    """How one field's value is written as a token and read back (None: not a valid token)."""

    pattern: str

    def write(self, value: object) -> str:
        raise NotImplementedError

    def read(self, token: str) -> object | None:
        raise NotImplementedError


class Int(Field):
    """A non-negative number up to `limit` (an id: int64), in ASCII digits without leading
    zeros."""

    pattern = r"0|[1-9][0-9]{0,18}"

    def __init__(self, limit: int = INT64) -> None:
        self.limit = limit

    def write(self, value: object) -> str:
        if type(value) is not int or not 0 <= value <= self.limit:
            raise ValueError(f"not a number in 0..{self.limit}: {value!r}")
        return str(value)

    def read(self, token: str) -> object | None:
        number = int(token)
        return number if number <= self.limit else None


class Word(Field):
    """A name such as a flow or a step: lowercase ASCII letters, digits and '_'."""

    pattern = r"[a-z][a-z0-9_]{0,31}"

    def write(self, value: object) -> str:
        if not isinstance(value, str) or re.fullmatch(self.pattern, value) is None:
            raise ValueError(f"not a word: {value!r}")
        return value

    def read(self, token: str) -> object | None:
        return token


class Free(Field):
    """Printable text (any script, ':' too); the last field of its template."""

    pattern = r".+"

    def write(self, value: object) -> str:
        if not isinstance(value, str) or not value or not value.isprintable():
            raise ValueError("free text must be printable and not empty")
        return value

    def read(self, token: str) -> object | None:
        return token if token.isprintable() else None


class Choice(Field):
    """One of the values of a Literal or an enum, written as its value."""

    def __init__(self, values: tuple[object, ...]) -> None:
        self.values = {_token(v): v for v in values}
        self.pattern = "|".join(re.escape(t) for t in sorted(self.values, key=len, reverse=True))

    def write(self, value: object) -> str:
        for token, allowed in self.values.items():
            if value == allowed and type(value) is not bool:
                return token
        raise ValueError(f"not one of {sorted(self.values)}: {value!r}")

    def read(self, token: str) -> object | None:
        return self.values.get(token)


def _token(value: object) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"a choice is a str or an int: {value!r}")
    return str(value)


def _field(hint: object) -> Field:
    if hint is int:
        return Int()
    if hint is str:
        return Word()
    if get_origin(hint) is Annotated:
        base, *marks = get_args(hint)
        if base is str and FreeText in marks:
            return Free()
        bounds = [m.limit for m in marks if isinstance(m, UpTo)]
        if base is int and bounds:
            return Int(min(bounds))
    if get_origin(hint) is Literal:
        return Choice(get_args(hint))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Choice(tuple(hint))
    raise TypeError(f"no callback encoding for {hint!r}")


class Spec:
    """One action kind: its template as a regular expression and a codec for each field."""

    kind: type[Action]
    fields: dict[str, Field]
    regex: re.Pattern[str]
    prefix: str

    def __init__(self, kind: type[Action]) -> None:
        params = getattr(kind, "__dataclass_params__", None)
        assert params is not None and params.frozen, f"{kind}: a frozen dataclass"
        hints = get_type_hints(kind, include_extras=True)
        self.kind = kind
        self.fields = {f.name: _field(hints[f.name]) for f in fields(kind)}  # type: ignore[arg-type]
        template = kind.TEMPLATE
        pattern, named = "", []
        for literal, name, _, _ in string.Formatter().parse(template):
            pattern += re.escape(literal)
            if name is not None:
                named.append(name)
                pattern += f"(?P<{name}>{self.fields[name].pattern})"
                if isinstance(self.fields[name], Free):
                    assert template.endswith("{" + name + "}"), f"{kind}: free text goes last"
        assert sorted(named) == sorted(self.fields), f"{kind}: template names every field once"
        self.regex = re.compile(pattern, re.DOTALL)
        self.prefix = template.split(":", 1)[0]
        assert self.prefix and "{" not in self.prefix, f"{kind}: a template starts with a prefix"

    def encode(self, action: Action) -> str:
        tokens = {name: f.write(getattr(action, name)) for name, f in self.fields.items()}
        return self.kind.TEMPLATE.format(**tokens)

    def decode(self, data: str) -> Action | None:
        match = self.regex.fullmatch(data)
        if match is None:
            return None
        values = {name: f.read(match[name]) for name, f in self.fields.items()}
        if any(v is None for v in values.values()):
            return None
        return self.kind(**values)


@cache
def _specs() -> dict[type[Action], Spec]:
    """Compiled on first use, when every action module has been imported."""
    return {kind: Spec(kind) for kind in Action._KINDS}


@cache
def _by_prefix() -> dict[str, tuple[Spec, ...]]:
    found: dict[str, list[Spec]] = {}
    for spec in _specs().values():
        found.setdefault(spec.prefix, []).append(spec)
    return {prefix: tuple(specs) for prefix, specs in found.items()}


def encode(action: Action) -> str:
    """The callback data of an action; ValueError if a field is out of its range or the data
    would not fit in 64 bytes (never truncated)."""
    data = _specs()[type(action)].encode(action)
    if len(data.encode()) > LIMIT:
        raise ValueError(f"callback data over {LIMIT} bytes: {data[:20]}...")
    return data


def decode(data: object) -> Action | None:
    """The one action `data` encodes, or None for anything `encode` could not have written."""
    if not isinstance(data, str) or not data or len(data) > LIMIT:
        return None
    try:
        if len(data.encode()) > LIMIT:
            return None
    except UnicodeEncodeError:  # a lone surrogate
        return None
    specs = _by_prefix().get(data.split(":", 1)[0], ())
    found = [a for a in (s.decode(data) for s in specs) if a is not None]
    return found[0] if len(found) == 1 else None


def kinds() -> tuple[type[Action], ...]:
    """Every action kind, in the order they are defined."""
    return tuple(Action._KINDS)
