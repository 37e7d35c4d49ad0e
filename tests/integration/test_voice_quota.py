"""Plan quotas for voice: transcription minutes and AI calls are counted per period, in core."""

from pathlib import Path

from core.billing.plans import PlanGuard
from core.domain import VoiceStatus
from core.files.service import IncomingFile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.voice.service import VoiceService
from tests.support import owner_with_org, services_for

OGG = (Path(__file__).resolve().parents[1] / "data" / "voice_ru.ogg").read_bytes()


class Speech:
    async def recognize(self, audio, mime_type, language, duration_seconds):
        return "готово"


class Model:
    calls = 0

    async def complete(self, system, user, json_mode=True):
        Model.calls += 1
        return "{}"


async def test_free_plan_keeps_the_recording_but_does_not_transcribe(uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    order = await services.orders.create(owner, OrderDraft(None))
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    voice = VoiceService(
        uow_factory,
        clock,
        services.files,
        services.orders,
        Speech(),
        Model(),
        plans=PlanGuard(enforced=True),
    )
    note = await voice.receive(
        owner,
        order.id,
        IncomingFile(OGG, "audio/ogg", None, None, None),
        9,
        owner.user.telegram_id,
    )
    assert note.status is VoiceStatus.QUOTA
    assert (await services.files.files(owner, order.id))[0].kind == "voice"


async def test_unenforced_plans_transcribe_and_count_usage(uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    order = await services.orders.create(owner, OrderDraft(None))
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    voice = VoiceService(uow_factory, clock, services.files, services.orders, Speech(), Model())
    note = await voice.receive(
        owner,
        order.id,
        IncomingFile(OGG, "audio/ogg", None, None, None),
        9,
        owner.user.telegram_id,
    )
    assert note.status is VoiceStatus.RECEIVED
