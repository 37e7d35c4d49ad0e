"""A typed write payload (`core.changes`) as the columns it sets."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.changes import given

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def columns(payload: DataclassInstance) -> dict[str, Any]:
    """The fields the payload sets, as column values: enums as their values, mappings as
    plain dicts and tuples as lists (JSON columns)."""
    return {name: _plain(value) for name, value in given(payload).items()}


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value
