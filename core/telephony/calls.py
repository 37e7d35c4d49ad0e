"""The PBX call log: webhook events verified with the organization's secret, applied once,
linked to clients by their normalised number; alerts and the recording's fetch are enqueued in
the same transaction. Also the read side: today's calls and one call for a message."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from core.changes import CallChange, NewCall
from core.domain import Actor, Client, Organization
from core.orders.listing import local_day_bounds
from core.permissions import Action, require
from core.ports import Clock, PhoneNormalizer, UnitOfWork, UowFactory
from core.telephony.call_log import changes, follow_ups
from core.telephony.events import (
    Call,
    CallEvent,
    PbxAccount,
    PbxCredentials,
    RecordingState,
    call_time,
    event_kind,
    number_candidates,
    parse_event,
    verify,
)
from core.views import CallView

log = logging.getLogger(__name__)
LIST_LIMIT = 30


@dataclass(frozen=True, slots=True)
class WebhookReply:
    """What the PBX gets back: a status and a plain-text body (empty for events)."""

    status: int
    body: str = ""


class CallService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        phones: PhoneNormalizer,
        fallback: PbxCredentials | None = None,
        can_transcribe: bool = False,
        recording_delay: timedelta = timedelta(seconds=40),
    ) -> None:
        self._uow, self._clock, self._phones = uow, clock, phones
        self._fallback, self._can_transcribe = fallback, can_transcribe
        self._delay = recording_delay

    async def echo(self, org_key: str, value: str) -> WebhookReply:
        """The PBX checks a new URL with `?zd_echo=`: answer the value, for known keys only."""
        async with self._uow() as uow:
            account = await uow.calls.account_by_key(org_key)
        return WebhookReply(200, value[:128]) if account else WebhookReply(404)

    async def handle_event(
        self, org_key: str, fields: Mapping[str, str], signature: str | None
    ) -> WebhookReply:
        """403 for a bad signature (nothing kept); a redelivered event changes nothing."""
        async with self._uow() as uow:
            account = await uow.calls.account_by_key(org_key)
            own = await uow.calls.credentials(account.organization_id) if account else None
        if account is None:
            return WebhookReply(404)
        if event_kind(fields) is None:
            return WebhookReply(200)  # IVR and future events: nothing for a CRM to keep
        credentials = own or self._fallback
        if not verify(credentials.api_secret if credentials else None, fields, signature):
            log.warning("PBX event refused for org %s: bad signature", account.organization_id)
            return WebhookReply(403)
        try:
            event = parse_event(fields)
        except ValueError:
            log.warning("PBX event refused for org %s: malformed", account.organization_id)
            return WebhookReply(400)
        await self._apply(account, event)
        return WebhookReply(200)

    async def _apply(self, account: PbxAccount, event: CallEvent) -> None:
        org_id, now = account.organization_id, self._clock.now()
        async with self._uow() as uow:
            if not await uow.calls.record_event(org_id, event, now):
                log.info("PBX event %s for org %s redelivered; skipped", event.kind, org_id)
                return
            org = await uow.orgs.get(org_id)
            assert org is not None
            new = await self._new_call(uow, org, event)
            call = await uow.calls.ensure(org_id, event.pbx_call_id, now, new)
            update = changes(call, event, account, now)
            call = await uow.calls.update(org_id, call.id, now, update)
            jobs = follow_ups(call, event, account, now, self._delay, self._can_transcribe)
            for job in jobs:
                payload = {"call_id": call.id}
                await uow.jobs.enqueue(job.kind, payload, job.run_at, org_id, job.dedup_key)
            await uow.commit()
        log.info("PBX event %s applied to call %s of org %s", event.kind, call.id, org_id)

    async def _new_call(self, uow: UnitOfWork, org: Organization, event: CallEvent) -> NewCall:
        """A call's fields when its first event arrives: who, when, which client."""
        phone = self.normalize(event.external, org.country)
        clients = await uow.clients.by_phone(org.id, phone) if phone else []
        return NewCall(
            direction=event.direction,
            caller=event.caller,
            callee=event.callee,
            client_phone=phone,
            client_id=clients[0].id if clients else None,
            started_at=call_time(event.call_start, org.timezone) or self._clock.now(),
            recording_state=RecordingState.NONE,
        )

    def normalize(self, raw: str | None, country: str) -> str | None:
        """The other party's number in E.164, or None (an extension, a hidden number)."""
        for candidate in number_candidates(raw):
            phone = self._phones.normalize(candidate, country)
            if phone is not None:
                return phone
        return None

    async def today(self, actor: Actor, missed: bool, unknown: bool) -> list[CallView]:
        """/calls: today's calls in the organization's time zone, newest first."""
        require(actor, Action.CLIENT_CONTACTS_ANY)
        assert actor.organization is not None
        org = actor.organization
        start, end = local_day_bounds(self._clock.now(), org.timezone)
        async with self._uow() as uow:
            calls = await uow.calls.listing(org.id, start, end, missed, unknown, LIST_LIMIT)
            return [await call_view(uow, org, call) for call in calls]

    async def view(self, org_id: int, call_id: int) -> CallView | None:
        """One call with its client and people, for background messages."""
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            call = await uow.calls.get(org_id, call_id)
            if org is None or call is None:
                return None
            return await call_view(uow, org, call)

    async def remember_alerts(
        self, org_id: int, call_id: int, sent: list[tuple[int, int, int]]
    ) -> None:
        """(user id, chat id, message id) of each alert, to edit them after a call-back."""
        async with self._uow() as uow:
            call = await uow.calls.get(org_id, call_id)
            if call is None:
                return
            alerts = tuple(dict.fromkeys([*call.alerts, *sent]))
            await uow.calls.update(org_id, call_id, self._clock.now(), CallChange(alerts=alerts))
            await uow.commit()


async def call_view(uow: UnitOfWork, org: Organization, call: Call) -> CallView:
    """The call with the client who has its number now (a card made after the call counts)
    and the member who answered or placed it."""
    client = await _client_of(uow, org.id, call)
    member = await uow.users.get(call.answered_by) if call.answered_by else None
    back = await uow.users.get(call.callback_by) if call.callback_by else None
    return CallView(call, org, client, member, back)


async def _client_of(uow: UnitOfWork, org_id: int, call: Call) -> Client | None:
    if call.client_id is not None:
        client = await uow.clients.get(org_id, call.client_id)
        if client is not None:
            return client
    found = await uow.clients.by_phone(org_id, call.client_phone) if call.client_phone else []
    return found[0] if found else None
