"""The buttons of telephony (issue 20): the calls list's filters, calling back, an order or a
client from a call, attaching a call to an order, and the recording and transcript switches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action

CallFilter = Literal["all", "missed", "unknown"]


@dataclass(frozen=True)
class CallsFilter(Action, template="cl:{kind}"):
    kind: CallFilter


@dataclass(frozen=True)
class CallBack(Action, template="clb:{call_id}"):
    call_id: int


@dataclass(frozen=True)
class CallOrder(Action, template="clo:{call_id}"):
    call_id: int


@dataclass(frozen=True)
class CallNewClient(Action, template="cln:{call_id}"):
    call_id: int


@dataclass(frozen=True)
class CallAttach(Action, template="cla:{call_id}"):
    call_id: int


@dataclass(frozen=True)
class CallAttachPick(Action, template="clp:{call_id}:{order_id}"):
    call_id: int
    order_id: int


@dataclass(frozen=True)
class Recording(Action, template="tl:rec:{value}"):
    """on asks the owner to confirm, yes is the confirmation, off switches it off."""

    value: Literal["on", "off", "yes"]


@dataclass(frozen=True)
class Transcripts(Action, template="tl:tr:{value}"):
    value: Literal["on", "off"]
