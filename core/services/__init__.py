"""Use-case services, one use case per method, each inside its own unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from core.ports import Clock
from core.services.admin import AdminService
from core.services.audit import AuditService
from core.services.billing import BillingService
from core.services.call_actions import CallActionService
from core.services.calls import CallService
from core.services.clients import ClientService
from core.services.dialogs import DialogService
from core.services.digests import NotificationService
from core.services.erasure import ErasureService
from core.services.files import FileService
from core.services.inbox import InboxService
from core.services.invites import InviteService
from core.services.orders import OrderService
from core.services.org_settings import OrgSettingsService
from core.services.privacy import PrivacyService
from core.services.recordings import RecordingService
from core.services.start import StartService
from core.services.team import TeamService
from core.services.telephony import TelephonyService
from core.services.updates import UpdateLedger
from core.services.users import UserService
from core.services.voice import VoiceService


@dataclass(frozen=True, slots=True)
class Services:
    """Everything the presentation layers may call, built once by the composition root."""

    clock: Clock
    users: UserService
    start: StartService
    dialogs: DialogService
    invites: InviteService
    team: TeamService
    updates: UpdateLedger
    clients: ClientService
    orders: OrderService
    files: FileService
    notifications: NotificationService
    voice: VoiceService
    inbox: InboxService
    admin: AdminService
    org_settings: OrgSettingsService
    billing: BillingService
    calls: CallService
    call_actions: CallActionService
    recordings: RecordingService
    telephony: TelephonyService
    privacy: PrivacyService
    erasure: ErasureService
    audit: AuditService
