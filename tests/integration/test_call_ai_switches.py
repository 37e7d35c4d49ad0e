"""Issue 25, item 5: the owner's AI switches on call recordings, on both databases. Speech
recognition switched off after the transcription was queued: the recording is kept, no speech
call, and the staff's call message says transcription is off; AI summaries off: transcribed,
no model call, the message shows the transcript and says summaries are off (en and ru)."""

from __future__ import annotations

from core.telephony.call_log import CALL_SUMMARY_JOB, TRANSCRIBE_CALL_JOB
from core.telephony.events import RecordingState
from handlers.i18n import Catalogs
from handlers.telephony.render import summary_text
from tests.integration.test_calls import _recorded_stages, jobs, owner, pbx, services, the_call

__all__ = ["owner", "pbx", "services"]
EN, RU = Catalogs().get("en"), Catalogs().get("ru")


async def test_speech_switched_off_after_it_was_queued_keeps_the_recording_and_says_so(
    pbx, db_url, services, owner, uow_factory, clock, tmp_path
):
    async def switch_off() -> None:
        await services.team.set_ai(owner, "speech", False)

    speech, model = await _recorded_stages(
        pbx, db_url, services, owner, uow_factory, clock, tmp_path, switch_off
    )
    assert TRANSCRIBE_CALL_JOB in [j.kind for j in await jobs(db_url)]
    assert speech.calls == [] and model.seen == []
    listed = await the_call(services, owner)
    view = await services.calls.view(owner.organization.id, listed.call.id)  # as the job does
    assert view.call.recording_state is RecordingState.READY and view.call.transcript is None
    assert [j.kind for j in await jobs(db_url)].count(CALL_SUMMARY_JOB) == 1
    assert "Transcription is off for your organization" in summary_text(EN, view)
    assert "Расшифровка выключена для вашей организации" in summary_text(RU, view)


async def test_summaries_off_transcribe_without_a_model_call(
    pbx, db_url, services, owner, uow_factory, clock, tmp_path
):
    await services.team.set_ai(owner, "summaries", False)

    async def nothing() -> None:
        return None

    speech, model = await _recorded_stages(
        pbx, db_url, services, owner, uow_factory, clock, tmp_path, nothing
    )
    assert len(speech.calls) == 1 and model.seen == []
    listed = await the_call(services, owner)
    view = await services.calls.view(owner.organization.id, listed.call.id)
    assert view.call.transcript and view.call.summary is None
    assert "AI summaries are off for your organization" in summary_text(EN, view)
    assert "ИИ-сводки выключены для вашей организации" in summary_text(RU, view)
    async with uow_factory() as uow:
        events = await uow.audit.listing(owner.organization.id, 50, 0)
    changed = [e.data for e in events if e.action == "setting.changed"]
    assert {"name": "ai_summaries", "old": True, "new": False} in changed
