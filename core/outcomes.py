"""What a use case tells the presentation layer happened; handlers render these as replies."""

from __future__ import annotations

from dataclasses import dataclass

from core.availability.model import AwaySaved as AwaySaved
from core.availability.model import HoursSaved as HoursSaved
from core.checklists.model import CategoryChecklist
from core.dialogs.engine import DialogState
from core.domain import Order, Organization, Role, User
from core.errors import DomainError
from core.recurring.model import Series
from core.views import OrderChange


@dataclass(frozen=True, slots=True)
class Prompt:
    """A flow is waiting for the answer to `state.step`."""

    state: DialogState


@dataclass(frozen=True, slots=True)
class Reask:
    """The answer did not fit; show why and ask the same step again."""

    state: DialogState
    error: DomainError


@dataclass(frozen=True, slots=True)
class NoDialog:
    """Nothing is in progress for this chat, so free text has no meaning yet."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    flow: str | None


@dataclass(frozen=True, slots=True)
class Declined:
    """The person did not confirm their age or accept the policy; nothing was kept."""

    reason: str


@dataclass(frozen=True, slots=True)
class Welcome:
    """A member is greeted and shown what they can do: `first` when they have just finished
    their first contact (a member added before ever writing), else they came back."""

    organization: Organization | None
    role: Role | None
    first: bool = False


@dataclass(frozen=True, slots=True)
class OrganizationCreated:
    organization: Organization
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Joined:
    organization: Organization
    role: Role
    inviter: User | None
    already_member: bool = False


@dataclass(frozen=True, slots=True)
class InviteFailed:
    """Onboarding finished, but the invite it started from could not be used."""

    error: DomainError


@dataclass(frozen=True, slots=True)
class OrderCreated:
    order_id: int
    number: int
    client_created: bool
    assigned: OrderChange | None = None  # "Create and assign": the assignment, to announce


@dataclass(frozen=True, slots=True)
class OrderChanged:
    """A flow (payment, reschedule) changed an order; the change carries the notices."""

    change: OrderChange


@dataclass(frozen=True, slots=True)
class ClientSaved:
    client_id: int
    created: bool
    merged: str | None = None
    confirmed: ClientMessaged | None = None  # the client told of their restriction


@dataclass(frozen=True, slots=True)
class LanguageChanged:
    language: str


@dataclass(frozen=True, slots=True)
class ProfileSaved:
    """A person corrected their own name or phone (docs/data-rights.md)."""

    field: str
    name: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class ClientMessaged:
    """A staff member's message to a client is queued: in Telegram (`chat_id`, the text and
    its log entry, sent with the update), or by SMS or e-mail (`chat_id` 0: a job sends it)."""

    organization_id: int
    chat_id: int
    text: str
    message_id: int
    channel: str
    number: int | None
    photo: str | None = None  # Telegram's file id of a photo sent with it (Telegram only)
    # (chat, message id) of the staff copies of the client's message it answers: their Reply
    # buttons go
    answered: tuple[tuple[int, int], ...] = ()
    kept: bool = False  # confirms the client's restriction: the one message that passes it


@dataclass(frozen=True, slots=True)
class RefundRequested:
    """Staff confirmed a refund of an order's online payment; the bank is asked by a job."""

    number: int
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class SeriesStarted:
    """An order now repeats (`core.recurring`): the series, the order it was made from (its
    first visit), and the further visits made up to the horizon."""

    series: Series
    order: Order
    made: tuple[Order, ...]


@dataclass(frozen=True, slots=True)
class SeriesChanged:
    """ "This and following" changed these visits of a series (from order №`number`)."""

    changes: tuple[OrderChange, ...]
    number: int


@dataclass(frozen=True, slots=True)
class ChecklistItemAdded:
    """/checklist's new item saved (`core.checklists.define_flow`): the category's list."""

    checklist: CategoryChecklist
    text: str


@dataclass(frozen=True, slots=True)
class ChecklistAnswered:
    """A number or photo item of a checklist answered in the chat (`core.checklists.flow`)."""

    order_id: int
    number: int
    text: str
    value: str
    unit: str | None
    ticked: int
    total: int
    photo: bool = False  # answered by a photo (no value)


@dataclass(frozen=True, slots=True)
class ServiceSaved:
    """/services added a catalogue item or changed its price (`core.catalogue.flow`)."""

    item_id: int
    name: str


@dataclass(frozen=True, slots=True)
class QuoteSent:
    """/quote made a quote and sent it (`core.quotes.flow`); the client's message follows."""

    quote_id: int
    client_name: str


Outcome = (
    Prompt
    | Reask
    | NoDialog
    | Cancelled
    | Declined
    | Welcome
    | OrganizationCreated
    | Joined
    | InviteFailed
    | OrderCreated
    | OrderChanged
    | ClientSaved
    | LanguageChanged
    | ProfileSaved
    | ClientMessaged
    | ServiceSaved
    | ChecklistAnswered
    | ChecklistItemAdded
    | SeriesStarted
    | SeriesChanged
    | RefundRequested
    | HoursSaved
    | AwaySaved
    | QuoteSent
)
