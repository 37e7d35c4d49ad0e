"""Each conversation's typed state, one frozen dataclass per flow, and its JSON form.

A field is named like the step that answers it (or the lookup that fills it) and is the key it
is stored under, so conversations saved before these types existed read back the same: days
and times as ISO strings, lists of offered things as JSON arrays ([id, name, ...]).
`state_from_json` is the one way back from storage; data that does not fit its flow's type is
no conversation (None), never an error halfway through a step."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import NamedTuple

from core.dialogs.company_data import ClientCompanyData
from core.dialogs.engine import DialogData, DialogState
from core.dialogs.json_form import Json, Malformed, encode, fields_of
from core.dialogs.offered import Candidate as Candidate
from core.dialogs.offered import Ref as Ref
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
class PaymentData(DialogData):
    flow = "payment"
    order_id: int
    number: int | None = None
    rest: int | None = None  # what is still unpaid, in minor units
    currency: str | None = None
    amount: int | None = None
    method: str | None = None


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
class NewClientData(DialogData):
    flow = "new_client"
    name: str | None = None
    phone: str | None = None
    e164: str | None = None
    dup: Ref | None = None  # the card that already has this phone
    same: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientEditData(DialogData):
    flow = "client_edit"
    client_id: int
    field: str
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileEditData(DialogData):
    """/settings: the person's own name or phone (core/team/profile.py)."""

    flow = "profile_edit"
    field: str
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientMergeData(DialogData):
    flow = "client_merge"
    client_id: int
    query: str | None = None
    candidates: tuple[Ref, ...] | None = None
    pick: str | None = None
    confirm: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientReplyData(DialogData):
    """A staff member's message to a client (a reply to the client's message, or from the
    order card); the client's name and the order's number as the prompt shows them."""

    flow = "client_reply"
    client_id: int
    order_id: int | None = None
    message_id: int | None = None  # the client's message answered (None: from the card)
    client_name: str | None = None
    number: int | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientCancelData(DialogData):
    """A business's client cancelling a visit from a reminder with a reason of their own: the
    visit (organization, order, the order's time the reminder was about, in minutes since
    the epoch) and the reason they type (`core.client_loop.reasons`)."""

    flow = "client_cancel"
    org_id: int
    order_id: int
    at: int
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundData(DialogData):
    """Staff refunding (part of) an order's online payment to the client's card: what is
    left to refund when the flow began, then the amount and the confirmation."""

    flow = "refund"
    order_id: int
    number: int | None = None
    paid: int | None = None  # the online payment, in minor units
    refunded: int | None = None  # asked to refund before
    left: int | None = None
    currency: str | None = None
    amount: int | None = None
    sure: str | None = None


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


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkHoursData(DialogData):
    """A member's weekly hours typed in /availability (`core.availability.flows`): kept as
    "09:00-18:00 12345" (ISO weekdays)."""

    flow = "work_hours"
    hours: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeOffData(DialogData):
    """Days off or a vacation typed in /availability: the organization's local day when the
    conversation began (`today`, ISO; a date without a year is its next occurrence from then)
    and the days, "2026-03-10/2026-03-20"."""

    flow = "time_off"
    today: str | None = None
    days: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistNumberData(DialogData):
    """A number item of an order's checklist tapped (`core.checklists.flow`): the number
    typed (`reading`), and the order's number, the item's text and unit for the question."""

    flow = "checklist_number"
    order_id: int
    item_id: int
    number: int | None = None
    text: str | None = None
    unit: str | None = None
    reading: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistItemData(DialogData):
    """/checklist's "➕ Add item" (`core.checklists.define_flow`): the item's text, whether it
    is required (`yes`/`no`), its kind (`tick`, `number`, `photo`) and a number's unit
    (blank: none); the category's name for the questions."""

    flow = "checklist_item"
    category_id: int
    name: str | None = None
    text: str | None = None
    required: str | None = None
    kind: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChecklistPhotoData(DialogData):
    """A photo item of an order's checklist tapped (`core.checklists.flow`): the next photo
    sent in the chat (`photo`, its attachment id), and the order's number and the item's text
    for the question."""

    flow = "checklist_photo"
    order_id: int
    item_id: int
    number: int | None = None
    text: str | None = None
    photo: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLineData(DialogData):
    """The "➕ Add line" of a card (`core.catalogue.flow`): a catalogue item picked and its
    quantity, or a line typed whole; the order's number, the person's language (how they
    write numbers) and the active items offered (id, name)."""

    flow = "order_line"
    order_id: int
    number: int | None = None
    language: str | None = None
    items: tuple[Ref, ...] | None = None
    line: str | None = None  # "item:<id>", or the typed line ("replace tap, 1 x 1500")
    quantity: str | None = None  # of a picked item: "2,5" or "2,5 м"


@dataclass(frozen=True, slots=True, kw_only=True)
class LineQuantityData(DialogData):
    """ "✏️" of a line in an order's "🧾 Lines" (`core.catalogue.flow`): its new quantity; the
    order's number, the line's name and quantity for the question, the person's language."""

    flow = "line_quantity"
    order_id: int
    line_id: int
    number: int | None = None
    name: str | None = None  # "" for the price as agreed
    was: int | None = None  # the quantity now, in thousandths
    language: str | None = None
    items: tuple[Ref, ...] | None = None  # none offered (read as `core.catalogue.flow.Picking`)
    quantity: str | None = None  # "2,5" or "2,5 м"


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceNewData(DialogData):
    """/services → "➕ Add": the item typed on one line ("name; unit; price; VAT")."""

    flow = "service_new"
    kind: str = "service"  # or "material"
    language: str | None = None
    item: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicePriceData(DialogData):
    """/services → an item → "✏️ Price": its new price."""

    flow = "service_price"
    item_id: int
    name: str | None = None
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
