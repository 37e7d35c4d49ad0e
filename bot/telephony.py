"""Wiring of the telephony feature: the Zadarma API per account, the call services and the
job kinds they work, kept out of the container so the feature is one import there."""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict

import httpx

from bot.settings import Settings
from core.ports import (
    ChatModel,
    Clock,
    EntityFinder,
    FileStore,
    PhoneNormalizer,
    SpeechRecognizer,
    UowFactory,
)
from core.runtime.jobs import JobHandler
from core.telephony.call_actions import CallActionService
from core.telephony.call_log import FETCH_RECORDING_JOB, SUMMARIZE_CALL_JOB, TRANSCRIBE_CALL_JOB
from core.telephony.calls import CallService
from core.telephony.events import PbxCredentials
from core.telephony.ports import PbxApi, PbxApiFactory
from core.telephony.recordings import RecordingService
from core.telephony.settings import TelephonyService
from integrations.zadarma import HttpZadarma


def pbx_api_factory(settings: Settings, http: httpx.AsyncClient) -> PbxApiFactory:
    """Builds the API client for whichever account's credentials a job needs."""

    def make(credentials: PbxCredentials) -> PbxApi:
        return HttpZadarma(
            http, credentials.api_key, credentials.api_secret, settings.zadarma_api_url
        )

    return make


def deployment_credentials(settings: Settings) -> PbxCredentials | None:
    """The deployment's key and secret, for organizations without their own."""
    if not settings.zadarma_api_key or settings.zadarma_api_secret is None:
        return None
    return PbxCredentials(settings.zadarma_api_key, settings.zadarma_api_secret.get_secret_value())


class TelephonyServices(TypedDict):
    calls: CallService
    call_actions: CallActionService
    recordings: RecordingService
    telephony: TelephonyService


def telephony_services(
    uow: UowFactory,
    clock: Clock,
    settings: Settings,
    phones: PhoneNormalizer,
    store: FileStore,
    pbx: PbxApiFactory | None,
    speech: SpeechRecognizer | None,
    model: ChatModel | None,
    entities: EntityFinder | None = None,
) -> TelephonyServices:
    """The Services fields of the feature: calls, call_actions, recordings, telephony."""
    fallback = deployment_credentials(settings)
    delay = timedelta(seconds=settings.pbx_recording_delay_seconds)
    hearing = speech is not None
    return {
        "calls": CallService(uow, clock, phones, fallback, hearing, delay),
        "call_actions": CallActionService(uow, clock),
        "recordings": RecordingService(uow, clock, store, pbx, fallback, speech, model, entities),
        "telephony": TelephonyService(uow, clock, settings.public_base_url, fallback, hearing),
    }


def telephony_jobs(recordings: RecordingService) -> dict[str, JobHandler]:
    return {
        FETCH_RECORDING_JOB: recordings.fetch,
        TRANSCRIBE_CALL_JOB: recordings.transcribe,
        SUMMARIZE_CALL_JOB: recordings.summarize,
    }
