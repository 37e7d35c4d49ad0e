"""Every button's action, one frozen dataclass each, with its callback-data template.

The templates are the wire format of buttons already in people's chats: change one only
with care (a changed format makes the old buttons answer "no longer valid", never do
something else). Sub-actions are Literals or enums, so a forged value does not decode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.domain import Role
from core.notifications.rules import Kind
from core.orders.listing import ListKind
from core.orders.rules import OrderAction
from handlers.callbacks.availability_actions import AbsenceRemove as AbsenceRemove
from handlers.callbacks.availability_actions import AvailabilityAsk as AvailabilityAsk
from handlers.callbacks.availability_actions import Reassign as Reassign
from handlers.callbacks.availability_actions import SickToday as SickToday
from handlers.callbacks.call_actions import CallAttach as CallAttach
from handlers.callbacks.call_actions import CallAttachPick as CallAttachPick
from handlers.callbacks.call_actions import CallBack as CallBack
from handlers.callbacks.call_actions import CallFilter as CallFilter
from handlers.callbacks.call_actions import CallNewClient as CallNewClient
from handlers.callbacks.call_actions import CallOrder as CallOrder
from handlers.callbacks.call_actions import CallsFilter as CallsFilter
from handlers.callbacks.call_actions import Recording as Recording
from handlers.callbacks.call_actions import Transcripts as Transcripts
from handlers.callbacks.checklist_actions import AcceptanceLink as AcceptanceLink
from handlers.callbacks.checklist_actions import AcceptWork as AcceptWork
from handlers.callbacks.checklist_actions import ChecklistCategories as ChecklistCategories
from handlers.callbacks.checklist_actions import ChecklistCategory as ChecklistCategory
from handlers.callbacks.checklist_actions import ChecklistItemAdd as ChecklistItemAdd
from handlers.callbacks.checklist_actions import ChecklistOpen as ChecklistOpen
from handlers.callbacks.checklist_actions import ChecklistRemove as ChecklistRemove
from handlers.callbacks.checklist_actions import ChecklistTap as ChecklistTap
from handlers.callbacks.client_actions import AiSwitch as AiSwitch
from handlers.callbacks.client_actions import ClientConsent as ClientConsent
from handlers.callbacks.client_actions import ClientObjection as ClientObjection
from handlers.callbacks.client_actions import ClientPackage as ClientPackage
from handlers.callbacks.client_actions import ClientRequests as ClientRequests
from handlers.callbacks.client_actions import ClientRights as ClientRights
from handlers.callbacks.client_actions import ClientUnrestrict as ClientUnrestrict
from handlers.callbacks.client_actions import InviteClient as InviteClient
from handlers.callbacks.client_actions import InviteOrderClient as InviteOrderClient
from handlers.callbacks.client_actions import OwnRestriction as OwnRestriction
from handlers.callbacks.client_actions import ProfileEdit as ProfileEdit
from handlers.callbacks.codec import Action, Small, Text
from handlers.callbacks.line_actions import AddLine as AddLine
from handlers.callbacks.line_actions import ApproveTotal as ApproveTotal
from handlers.callbacks.line_actions import DeclineTotal as DeclineTotal
from handlers.callbacks.line_actions import LineQuantity as LineQuantity
from handlers.callbacks.line_actions import LineRemove as LineRemove
from handlers.callbacks.line_actions import LineRemoveSure as LineRemoveSure
from handlers.callbacks.line_actions import LinesOpen as LinesOpen
from handlers.callbacks.line_actions import ServiceAct as ServiceAct
from handlers.callbacks.line_actions import ServiceAdd as ServiceAdd
from handlers.callbacks.line_actions import ServiceList as ServiceList
from handlers.callbacks.line_actions import ServiceOpen as ServiceOpen
from handlers.callbacks.ownbot_actions import OwnBotTap as OwnBotTap
from handlers.callbacks.pay_actions import RefundAsk as RefundAsk
from handlers.callbacks.pay_actions import RefundSure as RefundSure
from handlers.callbacks.privacy_actions import AuditPage as AuditPage
from handlers.callbacks.privacy_actions import EraseAsk as EraseAsk
from handlers.callbacks.privacy_actions import EraseClient as EraseClient
from handlers.callbacks.privacy_actions import EraseConfirm as EraseConfirm
from handlers.callbacks.privacy_actions import Marketing as Marketing
from handlers.callbacks.privacy_actions import PolicyAnswer as PolicyAnswer
from handlers.callbacks.privacy_actions import RestoreOrg as RestoreOrg
from handlers.callbacks.privacy_actions import RetentionAsk as RetentionAsk
from handlers.callbacks.privacy_actions import RetentionKeep as RetentionKeep
from handlers.callbacks.privacy_actions import RetentionSet as RetentionSet
from handlers.callbacks.quote_actions import ClientQuote as ClientQuote
from handlers.callbacks.quote_actions import QuoteAnswer as QuoteAnswer
from handlers.callbacks.quote_actions import QuoteSlot as QuoteSlot
from handlers.callbacks.reminder_actions import ClientReason as ClientReason
from handlers.callbacks.reminder_actions import ClientSlot as ClientSlot
from handlers.callbacks.reminder_actions import ClientVisit as ClientVisit
from handlers.callbacks.series_actions import ClientSeriesEnd as ClientSeriesEnd
from handlers.callbacks.series_actions import ClientSeriesEndSure as ClientSeriesEndSure
from handlers.callbacks.series_actions import RepeatOrder as RepeatOrder
from handlers.callbacks.series_actions import SeriesAct as SeriesAct
from handlers.callbacks.series_actions import SeriesMenu as SeriesMenu
from handlers.callbacks.series_actions import SeriesSure as SeriesSure
from handlers.callbacks.session_actions import SignOutEverywhere as SignOutEverywhere
from handlers.callbacks.talk_actions import ClientRate as ClientRate
from handlers.callbacks.talk_actions import ClientRateSkip as ClientRateSkip
from handlers.callbacks.talk_actions import MessageClient as MessageClient
from handlers.callbacks.talk_actions import ReplyClient as ReplyClient
from handlers.callbacks.trip_actions import OnMyWay as OnMyWay
from handlers.callbacks.trip_actions import OnMyWayEta as OnMyWayEta

Switch = Literal["on", "off"]
Setting = Literal["digest_at", "plan_at", "reminder_min", "overdue_min", "quiet"]
ClientField = Literal[
    "name", "phone", "address", "notes", "email", "restrict",
    "request_access", "request_correction", "request_deletion", "request_restriction",
    "request_objection", "company",
]  # fmt: skip
TapAction = Literal[
    OrderAction.OFFER, OrderAction.TAKE, OrderAction.START, OrderAction.DONE, OrderAction.CANCEL
]
FlowAction = Literal[OrderAction.PAY, OrderAction.RESCHEDULE, OrderAction.EDIT]


# Dialogs: a choice on a step of a flow (the flow engine checks it is the current step).
@dataclass(frozen=True)
class DialogChoice(Action, template="d:{flow}:{step}:{value}"):
    flow: str
    step: str
    value: Text


# Orders
@dataclass(frozen=True)
class OpenOrder(Action, template="o:{order_id}"):
    order_id: int


@dataclass(frozen=True)
class OrderTap(Action, template="oa:{order_id}:{action}"):
    order_id: int
    action: TapAction


@dataclass(frozen=True)
class OrderTapSure(Action, template="oa:{order_id}:{action}!"):
    """The confirmation of a tap that asks first (cancel, an early start)."""

    order_id: int
    action: Literal[OrderAction.START, OrderAction.CANCEL]


@dataclass(frozen=True)
class OrderWorkers(Action, template="ow:{order_id}"):
    order_id: int


@dataclass(frozen=True)
class AssignOrder(Action, template="oas:{order_id}:{user_id}"):
    order_id: int
    user_id: int


@dataclass(frozen=True)
class OrderFlow(Action, template="of:{order_id}:{flow}"):
    order_id: int
    flow: FlowAction


@dataclass(frozen=True)
class OrderHistory(Action, template="oh:{order_id}"):
    order_id: int


@dataclass(frozen=True)
class OrderFiles(Action, template="ofi:{order_id}"):
    order_id: int


@dataclass(frozen=True)
class OrderList(Action, template="ol:{kind}:{page}"):
    kind: ListKind
    page: Small


@dataclass(frozen=True)
class DigestUnassigned(Action, template="dl:unassigned"):
    pass


# Clients
@dataclass(frozen=True)
class OpenClient(Action, template="c:{client_id}"):
    client_id: int


@dataclass(frozen=True)
class ClientSearch(Action, template="cf:{page}:{query}"):
    page: Small
    query: Text


@dataclass(frozen=True)
class ClientEdit(Action, template="ce:{client_id}:{field}"):
    client_id: int
    field: ClientField


@dataclass(frozen=True)
class ClientMerge(Action, template="cm:{client_id}"):
    client_id: int


@dataclass(frozen=True)
class ClientNewOrder(Action, template="cn:{client_id}"):
    client_id: int


# Voice notes
@dataclass(frozen=True)
class VoiceApply(Action, template="va:{note_id}"):
    note_id: int


@dataclass(frozen=True)
class VoiceDismiss(Action, template="vd:{note_id}"):
    note_id: int


# Team, invites, organizations
@dataclass(frozen=True)
class MemberCard(Action, template="tm:{membership_id}"):
    membership_id: int


@dataclass(frozen=True)
class MemberRole(Action, template="tm:{membership_id}:role:{role}"):
    membership_id: int
    role: Role


@dataclass(frozen=True)
class MemberAccess(Action, template="tm:{membership_id}:{access}"):
    membership_id: int
    access: Switch


@dataclass(frozen=True)
class MemberKinds(Action, template="tk:{membership_id}"):
    """A member's kinds of work, each a toggle."""

    membership_id: int


@dataclass(frozen=True)
class MemberKind(Action, template="tk:{membership_id}:{category_id}"):
    membership_id: int
    category_id: int


@dataclass(frozen=True)
class InviteRole(Action, template="inv:{role}"):
    role: Literal[Role.WORKER, Role.MANAGER]


@dataclass(frozen=True)
class InviteRevoke(Action, template="inv:rv:{invite_id}"):
    invite_id: int


@dataclass(frozen=True)
class SwitchOrg(Action, template="org:{organization_id}"):
    organization_id: int


# Own settings and the organization's rules
LanguageCode = Literal["en", "ru"]
LANGUAGES: tuple[LanguageCode, ...] = ("en", "ru")  # the keys of LANGUAGE_LABELS


@dataclass(frozen=True)
class Language(Action, template="lang:{code}"):
    code: LanguageCode


@dataclass(frozen=True)
class PhotosRule(Action, template="ps:{count}"):
    count: Small


@dataclass(frozen=True)
class GraceRule(Action, template="gs:{hours}"):
    hours: Small


@dataclass(frozen=True)
class NotifyKind(Action, template="np:{kind}"):
    kind: Kind


@dataclass(frozen=True)
class NotifySetting(Action, template="np:{setting}"):
    setting: Setting


Invitable = Literal[Role.WORKER, Role.MANAGER]
INVITABLE: tuple[Invitable, ...] = (Role.WORKER, Role.MANAGER)
