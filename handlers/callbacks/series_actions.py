"""The buttons of recurring series (issue 20, items 1 and 2): 🔁 Repeat on an order card, the
series menu of a visit and its actions (asked first where they cancel visits), and ending a
client's series from the client card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action

SeriesStep = Literal["skip", "pause", "resume", "end", "following"]
Asked = Literal["skip", "pause", "end"]


@dataclass(frozen=True)
class RepeatOrder(Action, template="rp:{order_id}"):
    """Make the order recurring: starts the questions (how often, weekdays, until when)."""

    order_id: int


@dataclass(frozen=True)
class SeriesMenu(Action, template="sr:{order_id}"):
    """The series of this visit: what it is, and what can be done."""

    order_id: int


@dataclass(frozen=True)
class SeriesAct(Action, template="sra:{order_id}:{action}"):
    order_id: int
    action: SeriesStep


@dataclass(frozen=True)
class SeriesSure(Action, template="sra:{order_id}:{action}!"):
    """The confirmation of a series action that cancels visits."""

    order_id: int
    action: Asked


@dataclass(frozen=True)
class ClientSeriesEnd(Action, template="cse:{client_id}"):
    """From the client card: end every series of the client (asks first)."""

    client_id: int


@dataclass(frozen=True)
class ClientSeriesEndSure(Action, template="cse:{client_id}!"):
    client_id: int
