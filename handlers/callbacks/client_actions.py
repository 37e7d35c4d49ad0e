"""The client loop's buttons: inviting a client to Telegram (staff) and the client's answers
to the consent questions (the client's own chat)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class InviteClient(Action, template="ci:{client_id}"):
    """From the client card: a link for the client to open the business's chat."""

    client_id: int


@dataclass(frozen=True)
class ClientUnrestrict(Action, template="cur:{client_id}"):
    """From a restricted client card: lift the restriction of processing (audited)."""

    client_id: int


@dataclass(frozen=True)
class ClientObjection(Action, template="cob:{client_id}:{on}"):
    """From the client card: the client objects to automated processing (1) or withdraws (0)."""

    client_id: int
    on: Literal[0, 1]


@dataclass(frozen=True)
class ClientRequests(Action, template="crq:{client_id}"):
    """From the client card: record a request of the client as a data subject (its kind)."""

    client_id: int


@dataclass(frozen=True)
class ClientPackage(Action, template="cpk:{client_id}"):
    """From the client card: the client's data package (answers access requests)."""

    client_id: int


@dataclass(frozen=True)
class InviteOrderClient(Action, template="cio:{client_id}:{order_id}"):
    """From the order card: the same, bound to the order (the welcome shows it)."""

    client_id: int
    order_id: int


@dataclass(frozen=True)
class ClientConsent(Action, template="cc:{org_id}:{purpose}:{on}"):
    """A client's yes or no to order messages (`t`) or news (`m`) from one organization."""

    org_id: int
    purpose: Literal["t", "m"]
    on: Literal[0, 1]


@dataclass(frozen=True)
class ClientRights(Action, template="crg:{client_id}:{open}"):
    """From the client card: show its data-rights buttons (1) or the everyday ones again (0),
    in the card's own message."""

    client_id: int
    open: Literal[0, 1]


@dataclass(frozen=True)
class ProfileEdit(Action, template="pe:{field}"):
    """From /settings: correct your own name or phone (docs/data-rights.md)."""

    field: Literal["name", "phone"]


@dataclass(frozen=True)
class AiSwitch(Action, template="ai:{step}:{on}"):
    """From an owner's /settings: one AI step of the organization on (1) or off (0)."""

    step: Literal["speech", "summaries", "inbox"]
    on: Literal[0, 1]


@dataclass(frozen=True)
class OwnRestriction(Action, template="pv:rs:{on}"):
    """From /privacy: restrict processing of one's own data (1) or lift it (0)."""

    on: Literal[0, 1]
