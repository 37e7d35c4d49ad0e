"""Call recordings as durable jobs: fetched from the PBX into the FileStore, transcribed by
speech recognition (long calls take its asynchronous route), summarised by a model that only
ever sees de-identified text (as voice notes are), then posted to the managers."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from core.changes import CallChange
from core.deid import restore
from core.domain import Client, Job
from core.errors import DomainError
from core.files.rules import FileKind, detect, sha256
from core.ports import (
    ChatModel,
    Clock,
    EntityFinder,
    FileStore,
    SpeechRecognizer,
    UnitOfWork,
    UowFactory,
)
from core.runtime.jobs import PermanentJobError
from core.team.ai_switches import AiStep, ai_on
from core.telephony.call_ai import (
    SYSTEM_PROMPT,
    deidentify_call,
    mask_phones,
    parse_summary,
    restore_summary,
)
from core.telephony.call_log import CALL_SUMMARY_JOB, SUMMARIZE_CALL_JOB, TRANSCRIBE_CALL_JOB
from core.telephony.events import Call, PbxCredentials, RecordingState, recording_key
from core.telephony.ports import PbxApi, PbxApiFactory

log = logging.getLogger(__name__)
AUDIO_KINDS = frozenset({FileKind.AUDIO, FileKind.VOICE})


class RecordingService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        store: FileStore,
        pbx: PbxApiFactory | None,
        fallback: PbxCredentials | None = None,
        speech: SpeechRecognizer | None = None,
        model: ChatModel | None = None,
        entities: EntityFinder | None = None,
    ) -> None:
        self._uow, self._clock, self._store = uow, clock, store
        self._pbx, self._fallback = pbx, fallback
        self._speech, self._model, self._entities = speech, model, entities

    async def _call(self, job: Job) -> Call | None:
        if job.organization_id is None:
            return None
        async with self._uow() as uow:
            return await uow.calls.get(job.organization_id, int(str(job.payload["call_id"])))

    async def fetch(self, job: Job) -> None:
        """Job: PBX recording link -> bytes -> FileStore. Idempotent: a stored one is kept."""
        call = await self._call(job)
        if call is None or call.recording_state is not RecordingState.PENDING:
            return
        assert call.recording_ref is not None
        api = await self._api(call.organization_id)
        audio = await api.download(await api.recording_link(call.recording_ref))
        try:
            found = detect(audio)
        except DomainError:
            raise PermanentJobError("recording_not_audio") from None
        if found.kind not in AUDIO_KINDS:
            raise PermanentJobError("recording_not_audio")
        key = recording_key(call.organization_id, sha256(audio), found.extension)
        await self._store.put(key, audio, found.mime)
        async with self._uow() as uow:
            account = await uow.calls.account(call.organization_id)
            stored = CallChange(recording_key=key, recording_mime=found.mime)
            await self._advance(uow, call, RecordingState.STORED, stored)
            transcribe = account is not None and account.transcription_enabled and self._speech
            if transcribe and not await _restricted(uow, call):  # restricted: kept only
                if ai_on(await uow.orgs.get(call.organization_id), AiStep.SPEECH):
                    await self._enqueue(uow, call, TRANSCRIBE_CALL_JOB)
                else:  # the owner switched it off: the staff are told, the recording kept
                    await self._advance(uow, call, RecordingState.READY)
                    await self._enqueue(uow, call, CALL_SUMMARY_JOB)
            await uow.commit()
        log.info("recording of call %s stored (%s bytes)", call.id, len(audio))

    async def _api(self, org_id: int) -> PbxApi:
        async with self._uow() as uow:
            credentials = await uow.calls.credentials(org_id) or self._fallback
        if credentials is None or self._pbx is None:
            raise PermanentJobError("pbx_no_credentials")
        return self._pbx(credentials)

    async def transcribe(self, job: Job) -> None:
        """Job: stored recording -> transcript, then the summary (or the message at once)."""
        call = await self._call(job)
        if call is None or call.recording_state is not RecordingState.STORED:
            return
        assert self._speech is not None and call.recording_key and call.recording_mime
        async with self._uow() as uow:
            org = await uow.orgs.get(call.organization_id)
            if await _restricted(uow, call):  # restricted since it was queued
                return
            if not ai_on(org, AiStep.SPEECH):  # switched off since: told, not transcribed
                await self._advance(uow, call, RecordingState.READY)
                await self._enqueue(uow, call, CALL_SUMMARY_JOB)
                await uow.commit()
                return
        audio = await self._store.get(call.recording_key)
        language = "en-US" if org is not None and org.language == "en" else "ru-RU"
        text = await self._speech.recognize(audio, call.recording_mime, language, call.duration)
        allowed = ai_on(org, AiStep.SUMMARIES)  # else the transcript says summaries are off
        summarise = self._model is not None and bool(text.strip()) and allowed
        async with self._uow() as uow:
            if summarise:
                await self._advance(
                    uow, call, RecordingState.SUMMARISING, CallChange(transcript=text)
                )
                await self._enqueue(uow, call, SUMMARIZE_CALL_JOB)
            else:
                await self._advance(uow, call, RecordingState.READY, CallChange(transcript=text))
                await self._enqueue(uow, call, CALL_SUMMARY_JOB)
            await uow.commit()

    async def summarize(self, job: Job) -> None:
        """Job: de-identified transcript -> model -> checked summary, restored locally."""
        call = await self._call(job)
        if call is None or call.recording_state is not RecordingState.SUMMARISING:
            return
        assert self._model is not None and call.transcript
        async with self._uow() as uow:
            if await _restricted(uow, call):  # restricted since: no summary
                await self._advance(uow, call, RecordingState.READY)
                await uow.commit()
                return
            if not ai_on(await uow.orgs.get(call.organization_id), AiStep.SUMMARIES):
                await self._advance(uow, call, RecordingState.READY)  # the transcript only
                await self._enqueue(uow, call, CALL_SUMMARY_JOB)
                await uow.commit()
                return
        names, addresses, phones = await self._personal_data(call)
        masked = mask_phones(call.transcript, phones).text
        found = await self._entities.find(masked) if self._entities is not None else []
        redacted = deidentify_call(call.transcript, names, addresses, phones, found)
        answer = await self._model.complete(SYSTEM_PROMPT, redacted.text, json_mode=True)
        summary = parse_summary(answer)
        restored = (
            restore_summary(summary, lambda t: restore(t, redacted.mapping)) if summary else None
        )
        async with self._uow() as uow:
            data = restored.as_dict() if restored else None
            await self._advance(uow, call, RecordingState.READY, CallChange(summary=data))
            await self._enqueue(uow, call, CALL_SUMMARY_JOB)
            await uow.commit()

    async def _personal_data(self, call: Call) -> tuple[list[str], list[str], list[str]]:
        """Names, addresses and numbers the call may mention: the client's, the team's, and
        both ends of the line."""
        names: list[str] = []
        addresses: list[str] = []
        phones = [p for p in (call.client_phone, call.caller, call.callee) if p]
        async with self._uow() as uow:
            client = await _client_of(uow, call)
            team = await uow.members.team(call.organization_id)
        if client is not None:
            names.append(client.name)
            addresses += [client.address] if client.address else []
            phones += list(client.phones)
        names += [v.user.display_name for v in team] + [v.user.first_name for v in team]
        return names, addresses, phones

    async def failed(self, job: Job) -> None:
        """A stage gave up after its retries: the managers still hear about the call."""
        call = await self._call(job)
        if call is None or call.recording_state is RecordingState.READY:
            return
        async with self._uow() as uow:
            await self._advance(uow, call, RecordingState.FAILED)
            account = await uow.calls.account(call.organization_id)
            if account is not None and account.transcription_enabled:
                await self._enqueue(uow, call, CALL_SUMMARY_JOB)
            await uow.commit()

    async def _advance(
        self, uow: UnitOfWork, call: Call, state: RecordingState, change: CallChange | None = None
    ) -> None:
        now: datetime = self._clock.now()
        moved = replace(change or CallChange(), recording_state=state)
        await uow.calls.update(call.organization_id, call.id, now, moved)

    async def _enqueue(self, uow: UnitOfWork, call: Call, kind: str) -> None:
        payload = {"call_id": call.id}
        key = f"{kind}:{call.id}"
        await uow.jobs.enqueue(kind, payload, self._clock.now(), call.organization_id, key)


async def _client_of(uow: UnitOfWork, call: Call) -> Client | None:
    """The client on the other end: by the number, else the call's client."""
    found = await uow.clients.by_phone(call.organization_id, call.client_phone or "")
    client = found[0] if found else None
    if client is None and call.client_id is not None:
        client = await uow.clients.get(call.organization_id, call.client_id)
    return client


async def _restricted(uow: UnitOfWork, call: Call) -> bool:
    """The client restricted processing or objects to automated processing
    (docs/data-rights.md): no transcript, no summary."""
    client = await _client_of(uow, call)
    return client is not None and client.no_ai
