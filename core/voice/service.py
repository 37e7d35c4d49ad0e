"""Voice notes: kept on the order, transcribed, summarised into a proposed update the worker
applies with one tap. Each stage is a durable job; personal data never leaves the process:
the transcript is de-identified before the model sees it, and restored locally after."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from core.billing.plans import PlanGuard
from core.changes import NewVoiceNote, VoiceNoteChange
from core.deid import deidentify, restore
from core.domain import Actor, Job, VoiceNote, VoiceStatus
from core.errors import DomainError
from core.files.service import FileService, IncomingFile
from core.orders.rules import OrderAction
from core.orders.service import OrderService
from core.ports import (
    ChatModel,
    Clock,
    EntityFinder,
    SpeechRecognizer,
    UnitOfWork,
    UowFactory,
)
from core.team.ai_switches import AiStep, ai_on
from core.views import OrderChange
from core.voice.ai import SYSTEM_PROMPT, Proposal, parse_proposal, restore_proposal

TRANSCRIBE_JOB = "transcribe"
SUMMARIZE_JOB = "summarize"
Progress = Callable[[VoiceNote], Awaitable[None]]


async def _silent(_note: VoiceNote) -> None:
    return None


class VoiceService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        files: FileService,
        orders: OrderService,
        speech: SpeechRecognizer | None,
        model: ChatModel | None,
        max_seconds: int = 600,
        plans: PlanGuard | None = None,
        entities: EntityFinder | None = None,
    ) -> None:
        self._uow, self._clock, self._files, self._orders = uow, clock, files, orders
        self._speech, self._model, self.max_seconds = speech, model, max_seconds
        self.progress: Progress = _silent  # the presentation layer shows each stage
        self._plans = plans or PlanGuard(enforced=False)
        self._entities = entities  # people and places nobody typed in (natasha)

    async def receive(
        self, actor: Actor, order_id: int, incoming: IncomingFile, duration: int, chat_id: int
    ) -> VoiceNote:
        """Keep the recording on the order, then queue its transcription (or say it is off)."""
        if duration > self.max_seconds:
            raise DomainError("voice_too_long", limit_min=self.max_seconds // 60)
        attached = await self._files.attach(actor, order_id, incoming)
        assert actor.organization is not None
        # The owner may have switched speech recognition off (docs/data-rights.md).
        speech = self._speech is not None and ai_on(actor.organization, AiStep.SPEECH)
        status = VoiceStatus.RECEIVED if speech else VoiceStatus.OFF
        now = self._clock.now()
        async with self._uow() as uow:
            new = NewVoiceNote(
                order_id=order_id,
                user_id=actor.user.id,
                attachment_id=attached.attachment.id,
                chat_id=chat_id,
                status=status,
                duration_seconds=duration,
                language=actor.user.language or "ru",
            )
            note = await uow.voice.add(actor.organization.id, now, new)
            if actor.user.restricted:  # the sender restricted their own processing
                own = VoiceNoteChange(status=VoiceStatus.OWN_RESTRICTED)
                await uow.voice.update(note.id, now, own)
                note = replace(note, status=VoiceStatus.OWN_RESTRICTED)
            elif await _restricted(uow, actor.organization.id, order_id):  # kept, not used
                kept = VoiceNoteChange(status=VoiceStatus.RESTRICTED)
                await uow.voice.update(note.id, now, kept)
                note = replace(note, status=VoiceStatus.RESTRICTED)
            elif speech and await self._within_minutes(uow, actor, duration, now):
                await uow.jobs.enqueue(
                    TRANSCRIBE_JOB,
                    {"note_id": note.id},
                    now,
                    actor.organization.id,
                    f"transcribe:{note.id}",
                )
            elif speech:
                await uow.voice.update(note.id, now, VoiceNoteChange(status=VoiceStatus.QUOTA))
                note = replace(note, status=VoiceStatus.QUOTA)
            await uow.commit()
        return note

    async def _within_minutes(
        self, uow: UnitOfWork, actor: Actor, seconds: int, now: datetime
    ) -> bool:
        """The plan's monthly transcription minutes; past them the recording is only kept."""
        assert actor.organization is not None
        try:
            await self._plans.count_transcription(uow, actor.organization.id, seconds, now)
        except DomainError:
            return False
        return True

    async def shown_in(self, note_id: int, message_id: int) -> None:
        """The status message that is edited in place as the note moves through its stages."""
        await self._set(note_id, VoiceNoteChange(status_message_id=message_id))

    async def _set(self, note_id: int, change: VoiceNoteChange) -> VoiceNote:
        async with self._uow() as uow:
            await uow.voice.update(note_id, self._clock.now(), change)
            await uow.commit()
            note = await uow.voice.get(note_id)
        assert note is not None
        return note

    async def _note(self, job: Job) -> VoiceNote | None:
        async with self._uow() as uow:
            return await uow.voice.get(int(str(job.payload["note_id"])))

    async def transcribe(self, job: Job) -> None:
        """Job: recording -> transcript. Idempotent: a finished stage is not redone."""
        note = await self._note(job)
        if note is None or note.status not in (VoiceStatus.RECEIVED, VoiceStatus.TRANSCRIBING):
            return
        assert self._speech is not None and note.attachment_id is not None
        async with self._uow() as uow:
            restricted = await _restricted(uow, note.organization_id, note.order_id)
            org = await uow.orgs.get(note.organization_id)
            sender = await uow.users.get(note.user_id) if note.user_id else None
        if sender is not None and sender.restricted:  # since it was queued: kept only
            own = VoiceNoteChange(status=VoiceStatus.OWN_RESTRICTED)
            await self.progress(await self._set(note.id, own))
            return
        if not ai_on(org, AiStep.SPEECH):  # switched off since it was queued: kept only
            await self.progress(await self._set(note.id, VoiceNoteChange(status=VoiceStatus.OFF)))
            return
        if restricted:  # the client restricted processing since the note was queued
            restricted_now = VoiceNoteChange(status=VoiceStatus.RESTRICTED)
            await self.progress(await self._set(note.id, restricted_now))
            return
        transcribing = VoiceNoteChange(status=VoiceStatus.TRANSCRIBING)
        await self.progress(await self._set(note.id, transcribing))
        async with self._uow() as uow:
            attachment = await uow.attachments.by_id(note.attachment_id)
        assert attachment is not None
        audio = await self._files.content(attachment)
        language = "ru-RU" if note.language == "ru" else "en-US"
        text = await self._speech.recognize(
            audio, attachment.mime, language, note.duration_seconds
        )
        await self._after_transcript(note, text)

    async def _after_transcript(self, note: VoiceNote, text: str) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            allowed = ai_on(await uow.orgs.get(note.organization_id), AiStep.SUMMARIES)
            summarise = self._model is not None and bool(text.strip()) and allowed
            status = VoiceStatus.SUMMARISING if summarise else VoiceStatus.READY
            if self._model is not None and not allowed:  # said where the summary would be
                status = VoiceStatus.NO_SUMMARY
            await uow.voice.update(note.id, now, VoiceNoteChange(transcript=text, status=status))
            if summarise:
                await uow.jobs.enqueue(
                    SUMMARIZE_JOB,
                    {"note_id": note.id},
                    now,
                    note.organization_id,
                    f"summarize:{note.id}",
                )
            await uow.commit()
            updated = await uow.voice.get(note.id)
        assert updated is not None
        await self.progress(updated)

    async def summarize(self, job: Job) -> None:
        """Job: de-identified transcript -> model -> checked proposal, restored locally."""
        note = await self._note(job)
        if note is None or note.status is not VoiceStatus.SUMMARISING or not note.transcript:
            return
        assert self._model is not None
        async with self._uow() as uow:
            allowed = ai_on(await uow.orgs.get(note.organization_id), AiStep.SUMMARIES)
            sender = await uow.users.get(note.user_id) if note.user_id else None
        if sender is not None and sender.restricted:  # restricted since: no model call
            await self.progress(
                await self._set(note.id, VoiceNoteChange(status=VoiceStatus.READY))
            )
            return
        if not allowed:  # switched off since it was queued: the transcript stays
            off = VoiceNoteChange(status=VoiceStatus.NO_SUMMARY)
            await self.progress(await self._set(note.id, off))
            return
        if not await self._ai_allowed(note):
            await self.progress(
                await self._set(note.id, VoiceNoteChange(status=VoiceStatus.READY))
            )
            return
        names, addresses = await self._personal_data(note)
        found = await self._entities.find(note.transcript) if self._entities else []
        redacted = deidentify(note.transcript, names, addresses, found)
        answer = await self._model.complete(SYSTEM_PROMPT, redacted.text, json_mode=True)
        proposal = parse_proposal(answer)
        change = VoiceNoteChange(status=VoiceStatus.READY)
        if proposal is not None:
            restored = restore_proposal(proposal, lambda text: restore(text, redacted.mapping))
            change = replace(change, proposal=restored.as_dict(), proposal_state="proposed")
        await self.progress(await self._set(note.id, change))

    async def _ai_allowed(self, note: VoiceNote) -> bool:
        """One AI call against the plan's monthly quota (Free has none): the transcript alone."""
        async with self._uow() as uow:
            try:
                await self._plans.count_ai_call(uow, note.organization_id, self._clock.now())
            except DomainError:
                return False
            await uow.commit()
        return True

    async def _personal_data(self, note: VoiceNote) -> tuple[list[str], list[str]]:
        """Names and addresses this note may mention: the client's and the team's."""
        names: list[str] = []
        addresses: list[str] = []
        async with self._uow() as uow:
            order = await uow.orders.get(note.organization_id, note.order_id or 0)
            if order is not None and order.client_id is not None:
                client = await uow.clients.get(note.organization_id, order.client_id)
                if client is not None:
                    names.append(client.name)
                    addresses += [a for a in (client.address, order.address) if a]
            team = await uow.members.team(note.organization_id)
        names += [v.user.display_name for v in team] + [v.user.first_name for v in team]
        return names, addresses

    async def failed(self, job: Job) -> None:
        """The stage gave up after its retries: the recording stays on the order."""
        note = await self._note(job)
        if note is not None and note.status is not VoiceStatus.READY:
            failed = VoiceNoteChange(status=VoiceStatus.FAILED)
            await self.progress(await self._set(note.id, failed))

    async def apply(self, actor: Actor, note_id: int) -> list[OrderChange]:
        """One tap: the proposal goes through the same order services as the buttons."""
        note, proposal = await self._proposal(actor, note_id)
        assert note.order_id is not None
        changes: list[OrderChange] = []
        card = await self._orders.card(actor, note.order_id)
        if proposal.mark_done and OrderAction.DONE in card.actions:
            changes.append(await self._orders.act(actor, note.order_id, OrderAction.DONE))
        if proposal.amount_minor and proposal.payment_method is not None:
            changes.append(
                await self._orders.act(
                    actor,
                    note.order_id,
                    OrderAction.PAY,
                    amount_minor=proposal.amount_minor,
                    method=proposal.payment_method.value,
                )
            )
        await self._set(note_id, VoiceNoteChange(proposal_state="applied"))
        return changes

    async def dismiss(self, actor: Actor, note_id: int) -> None:
        await self._proposal(actor, note_id)
        await self._set(note_id, VoiceNoteChange(proposal_state="dismissed"))

    async def _proposal(self, actor: Actor, note_id: int) -> tuple[VoiceNote, Proposal]:
        async with self._uow() as uow:
            note = await uow.voice.get(note_id)
        if note is None or note.user_id != actor.user.id or note.proposal is None:
            raise DomainError("not_found")
        if note.proposal_state != "proposed":
            raise DomainError("voice_already_handled")
        return note, Proposal.from_dict(note.proposal)

    async def note(self, note_id: int) -> VoiceNote | None:
        async with self._uow() as uow:
            return await uow.voice.get(note_id)


async def _restricted(uow: UnitOfWork, org_id: int, order_id: int | None) -> bool:
    """The order's client restricted processing (docs/data-rights.md): the note is kept on
    the order, neither transcribed nor summarised."""
    order = await uow.orders.get(org_id, order_id) if order_id is not None else None
    if order is None or order.client_id is None:
        return False
    client = await uow.clients.get(org_id, order.client_id)
    return client is not None and client.restricted
