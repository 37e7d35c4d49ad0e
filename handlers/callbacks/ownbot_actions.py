"""The buttons of /ownbot (docs/own-bot.md): staff use the organization's bot too (on/off),
Disconnect (are you sure?), the sure Disconnect and Back. The owner's rights are checked by
the service on every tap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class OwnBotTap(Action, template="ob:{what}"):
    """`s1`/`s0`: staff use it too, or not; `d`: Disconnect?; `x`: disconnect; `b`: back."""

    what: Literal["s1", "s0", "d", "x", "b"]
