"""Opaque cursors of /api/v1 lists: where the next page starts, tied to the kind of list
(a plain list goes by id, a search by position), so a cursor of one cannot be sent to the
other."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from bot.admin.v1.problems import Problem
from handlers.i18n import N_


def encode(kind: str, after: int | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(f"{kind}:{after}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    given, _, number = text.partition(":")
    if given != kind or not number.isdigit() or len(number) > 18:
        raise Problem(422, "cursor_invalid", N_("This cursor does not belong to this list."))
    return int(number)


class PageMeta(BaseModel):
    next_cursor: str | None = Field(
        description="Send as `cursor` for the next page; null on the last page",
        examples=["YzoxMjM"],
    )


def utc(moment: datetime | None) -> datetime | None:
    """In UTC; a time given without an offset is UTC. A bound a few hours past what a
    datetime holds once in UTC (0001-01-01T01:00+04:00) is the nearest one it holds."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == datetime.min.year else datetime.max).replace(
            tzinfo=UTC
        )
