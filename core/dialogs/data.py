"""Each conversation's typed state, one frozen dataclass per flow, and its JSON form.

A field is named like the step that answers it (or the lookup that fills it) and is the key it
is stored under, so conversations saved before these types existed read back the same: days
and times as ISO strings, lists of offered things as JSON arrays ([id, name, ...]).
`state_from_json` is the one way back from storage; data that does not fit its flow's type is
no conversation (None), never an error halfway through a step. `KINDS` is the one registry of
flows; some features' data classes live beside this module (core/dialogs/*_data.py)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import NamedTuple

from core.dialogs.availability_data import TimeOffData, WorkHoursData
from core.dialogs.catalogue_data import (
    LineQuantityData,
    OrderLineData,
    ServiceNewData,
    ServicePriceData,
)
from core.dialogs.checklist_data import ChecklistItemData, ChecklistNumberData, ChecklistPhotoData
from core.dialogs.client_data import (
    ClientCancelData,
    ClientEditData,
    ClientMergeData,
    ClientReplyData,
    NewClientData,
)
from core.dialogs.company_data import ClientCompanyData
from core.dialogs.engine import DialogData, DialogState
from core.dialogs.json_form import Json, Malformed, encode, fields_of
from core.dialogs.offered import Candidate as Candidate
from core.dialogs.offered import Ref as Ref
from core.dialogs.payment_data import PaymentData, RefundData
from core.dialogs.quote_data import QuoteData, QuoteQuestionData

log = logging.getLogger(__name__)


class Suggestion(NamedTuple):
    """An address the suggester offered instead of the typed one."""

    value: str
    lat: float | None
    lon: float | None


class Worker(NamedTuple):
    """A worker to assign to, with how many orders they have that day."""

    id: int
    name: str
    orders: int


@dataclass(frozen=True, slots=True)
class Place:
    """An address answer: its text, a shared location's point, or neither (no address)."""

    text: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class When:
    """A day (None: not scheduled) and maybe a time; `next_year` when the day and month were
    already past this year, for the question "did you mean next year?"."""

    day: dt.date | None
    time: dt.time | None
    next_year: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ClientAnswer:
    """Who the order is for, as first answered: a shared contact, or typed text."""

    phone: str | None = None
    name: str | None = None
    query: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OnboardingData(DialogData):
    flow = "onboarding"
    invite: str | None = None  # the /start payload it began with
    language: str | None = None
    age: str | None = None
    consent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOrgData(DialogData):
    flow = "new_org"
    name: str | None = None
    timezone: str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WhenData(DialogData):
    """The questions of when (`core.orders.when_steps`), and the organization's wall clock
    when the flow began, which they are read against."""

    today: dt.date | None = None
    now_local: dt.datetime | None = None
    when: When | None = None
    when_year: str | None = None
    time: dt.time | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RescheduleData(WhenData):
    flow = "reschedule"
    order_id: int
    number: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderDetailsData(WhenData):
    """An order's details as /neworder and editing an order ask them."""

    address: Place | None = None
    address_pick: str | None = None  # a suggestion's index, or "keep"
    suggestions: tuple[Suggestion, ...] | None = None
    category: str | None = None  # a category's id, or "skip"
    categories: tuple[Ref, ...] | None = None
    price: int | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderEditData(OrderDetailsData):
    flow = "order_edit"
    order_id: int
    number: int | None = None
    field: str | None = None
    fields: tuple[str, ...] | None = None  # what may change, in the card's order


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOrderData(OrderDetailsData):
    flow = "new_order"
    client: ClientAnswer | None = None
    resolved: bool = False  # the client answer was looked up
    candidates: tuple[Candidate, ...] | None = None
    client_pick: str | None = None  # a candidate's id, or "new"
    new_name: str | None = None
    new_phone: str | None = None  # E.164
    phone_ok: bool = False
    phone_checked: bool = False
    same_candidate: Candidate | None = None
    client_name: str | None = None
    client_phone: str | None = None
    client_same: str | None = None
    client_loaded: int | None = None
    client_label: str | None = None
    client_address: str | None = None
    client_status: str | None = None  # a company's register state, for the warning
    client_closed_on: dt.date | None = None  # its liquidation day
    may_assign: bool = False
    confirm: str | None = None
    workers: tuple[Worker, ...] | None = None
    assignee: str | None = None  # a worker's id, or "back"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileEditData(DialogData):
    """/settings: the person's own name or phone (core/team/profile.py)."""

    flow = "profile_edit"
    field: str
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatData(DialogData):
    """🔁 Repeat on an order card (`core.recurring.flows`): how often, on which weekdays,
    until when. `weekday` is the order's own (ISO), `today` the organization's date."""

    flow = "repeat"
    order_id: int
    number: int | None = None
    weekday: int | None = None
    today: dt.date | None = None
    start: dt.date | None = None  # the order's day: the series' first
    freq: str | None = None
    interval: int | None = None
    days: str | None = None  # ISO weekday digits ("24")
    end: str | None = None  # "never", "count:10" or "until:2026-03-31"


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesEditData(DialogData):
    """ "This and following" from a visit of a series: what changes and its new value."""

    flow = "series_edit"
    order_id: int
    number: int | None = None
    field: str | None = None  # time, assignee or price
    workers: tuple[Worker, ...] | None = None
    time: dt.time | None = None
    assignee: str | None = None  # a worker's id
    price: int | None = None


KINDS: dict[str, type[DialogData]] = {
    kind.flow: kind
    for kind in (
        OnboardingData,
        NewOrgData,
        NewOrderData,
        PaymentData,
        RescheduleData,
        OrderEditData,
        NewClientData,
        ClientEditData,
        ProfileEditData,
        ClientMergeData,
        ClientCompanyData,
        ClientReplyData,
        RepeatData,
        SeriesEditData,
        RefundData,
        ClientCancelData,
        OrderLineData,
        LineQuantityData,
        ChecklistNumberData,
        ChecklistPhotoData,
        ChecklistItemData,
        ServiceNewData,
        ServicePriceData,
        QuoteData,
        QuoteQuestionData,
        WorkHoursData,
        TimeOffData,
    )
}


def state_to_json(data: DialogData) -> dict[str, Json]:
    """What is stored: every answered field under its name (null for a blank answer)."""
    names = [f.name for f in fields(data) if f.name != "blank"]
    return {name: encode(getattr(data, name)) for name in names if data.has(name)}


def state_from_json(flow: str, step: str, stored: object, version: int) -> DialogState | None:
    """The stored conversation, or None when it is of no known flow or does not fit its
    flow's data (written by another version, or damaged): it reads as no conversation."""
    kind = KINDS.get(flow)
    try:
        if kind is None or not isinstance(stored, Mapping):
            raise Malformed(f"no data for flow {flow!r}")
        blank = frozenset(n for n, v in stored.items() if v is None and isinstance(n, str))
        data = kind(**fields_of(kind, stored), blank=blank)
    except (Malformed, TypeError) as error:
        log.warning("stored conversation %s/%s unreadable: %s", flow, step, error)
        return None
    return DialogState(step, data, version)


def order_flow_start(flow: str, order_id: int) -> DialogData:
    """What a flow on an order (payment, reschedule, edit) starts with: the order."""
    kinds = {kind.flow: kind for kind in (PaymentData, RescheduleData, OrderEditData)}
    return kinds[flow](order_id=order_id)


def chosen_language(state: DialogState) -> str | None:
    """The language picked at first contact, to speak it from the next prompt on."""
    return state.data.language if isinstance(state.data, OnboardingData) else None
