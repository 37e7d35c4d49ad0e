"""The PBX webhook on both databases, fed by the PBX fake over HTTP: the URL check, forged
events (403, nothing kept), redeliveries (kept once, even all at once), per-organization
secrets, the call log and its alerts; then a recording through fetch, transcript and summary
with no personal data reaching the model."""

import asyncio
import json
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

from bot.pbx import pbx_routes
from core.changes import PbxAccountChange
from core.dialogs.data import NewOrderData
from core.domain import Job
from core.orders.service import OrderDraft
from core.telephony.call_log import (
    CALL_MISSED_JOB,
    CALL_SUMMARY_JOB,
    CALL_UNKNOWN_JOB,
    FETCH_RECORDING_JOB,
    SUMMARIZE_CALL_JOB,
    TRANSCRIBE_CALL_JOB,
)
from core.telephony.events import CallOutcome, Direction, RecordingState
from core.telephony.recordings import RecordingService
from integrations.entities import LocalEntityFinder
from integrations.zadarma import HttpZadarma
from storage.db import create_engine
from storage.files.local import LocalFileStore
from tests.fakes.server import AsgiServer
from tests.fakes.zadarma import FakeZadarma
from tests.support import owner_with_org, services_for

pytestmark = pytest.mark.db
CLIENT = "79161234567"
STRANGER = "79035550011"
REC = "1772442000.77"


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


@pytest.fixture
async def owner(services, uow_factory, clock):
    actor = await owner_with_org(services)
    await services.telephony.status(actor)  # makes the webhook key
    async with uow_factory() as uow:
        keys = PbxAccountChange(api_key="zd-key", api_secret="zd-secret")
        await uow.calls.save_account(actor.organization.id, clock.now(), keys)
        await uow.commit()
    return actor


@pytest.fixture
async def pbx(services, owner, clock):
    app = Starlette(routes=pbx_routes(SimpleNamespace(services=services)))
    status = await services.telephony.status(owner)
    async with AsgiServer(app) as server, FakeZadarma("zd-key", "zd-secret") as fake:
        fake.webhook_url = server.url + status.webhook_url.split("8081", 1)[1]
        fake.now = clock.now
        yield fake


async def rows(db_url, sql: str) -> list:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        found = (await connection.execute(text(sql))).all()
    await engine.dispose()
    return found


async def jobs(db_url) -> list[Job]:
    found = await rows(db_url, "SELECT id, kind, payload, organization_id FROM job ORDER BY id")
    return [
        Job(i, kind, json.loads(p) if isinstance(p, str) else p, 1, org)
        for i, kind, p, org in found
    ]


async def the_call(services, owner):
    calls = await services.calls.today(owner, missed=False, unknown=False)
    assert len(calls) == 1
    return calls[0]


async def test_the_url_check_echoes_for_known_keys_only(pbx):
    response = await pbx.check_url("a1b2c3")
    assert (response.status_code, response.text) == (200, "a1b2c3")
    pbx.webhook_url = pbx.webhook_url.rsplit("/", 1)[0] + "/unknown-key"
    assert (await pbx.check_url()).status_code == 404


async def test_a_forged_event_changes_nothing(pbx, db_url):
    call = pbx.incoming(STRANGER)
    assert (await pbx.send(call.start(), forge=True)).status_code == 403
    assert (await pbx.send(call.end("no answer"), signature="")).status_code == 403
    tampered = {**call.end("no answer"), "caller_id": CLIENT}
    assert (await pbx.send(tampered, signature=pbx.sign(call.end("no answer")))).status_code == 403
    for table in ("call", "call_event", "job"):
        assert await rows(db_url, f"SELECT id FROM {table}") == [], table


async def test_a_redelivered_event_is_kept_once(pbx, db_url, services, owner):
    call = pbx.incoming(STRANGER)
    for event in (call.start(), call.start(), call.end("no answer"), call.end("no answer")):
        assert (await pbx.send(event)).status_code == 200
    assert len(await rows(db_url, "SELECT id FROM call_event")) == 2
    assert [j.kind for j in await jobs(db_url)] == [CALL_MISSED_JOB]
    view = await the_call(services, owner)
    assert view.call.outcome is CallOutcome.MISSED and view.client is None
    assert view.call.client_phone == "+" + STRANGER


async def test_concurrent_redeliveries_are_kept_once(pbx, db_url):
    call = pbx.incoming(STRANGER)
    await pbx.send(call.start())
    replies = await asyncio.gather(*(pbx.send(call.end("no answer")) for _ in range(5)))
    assert {r.status_code for r in replies} == {200}
    assert len(await rows(db_url, "SELECT id FROM call_event")) == 2
    assert len(await rows(db_url, "SELECT id FROM call")) == 1
    assert [j.kind for j in await jobs(db_url)] == [CALL_MISSED_JOB]


async def test_the_organizations_own_secret_is_the_one_checked(pbx, db_url):
    pbx.api_secret = "the-deployments-or-anyone-elses"
    assert (await pbx.send(pbx.incoming(STRANGER).start())).status_code == 403
    assert await rows(db_url, "SELECT id FROM call") == []


async def test_a_known_client_is_linked_and_an_answered_call_logged(pbx, services, owner):
    client = await services.clients.create(owner, "Пётр Сидоров", "+7 916 123-45-67")
    await services.telephony.set_extension(owner, "101")
    call = pbx.incoming(CLIENT)
    for event in (call.start(), call.internal("101"), call.answer("101")):
        assert (await pbx.send(event)).status_code == 200
    await pbx.send(call.end("answered", 95, "101"))
    view = await the_call(services, owner)
    assert view.client is not None and view.client.id == client.id
    assert view.call.direction is Direction.INCOMING and view.call.duration == 95
    assert view.member is not None and view.member.id == owner.user.id
    assert view.call.recording_state is RecordingState.NONE
    card = await services.clients.card(owner, client.id)
    assert [c.id for c in card.calls] == [view.call.id]
    assert await services.calls.today(owner, missed=True, unknown=False) == []


async def test_an_answered_unknown_number_asks_about_a_new_client(pbx, db_url, services, owner):
    call = pbx.incoming(STRANGER)
    await pbx.send(call.start())
    await pbx.send(call.end("answered", 30))
    assert [j.kind for j in await jobs(db_url)] == [CALL_UNKNOWN_JOB]
    assert len(await services.calls.today(owner, missed=False, unknown=True)) == 1
    await services.clients.create(owner, "Анна", "+" + STRANGER)
    assert await services.calls.today(owner, missed=False, unknown=True) == []


async def test_a_recording_with_recording_off_is_not_fetched(pbx, db_url, services, owner):
    call = pbx.incoming(CLIENT)
    await pbx.send(call.end("answered", 30, recording=REC))
    await pbx.send(call.record(REC))
    view = await the_call(services, owner)
    assert view.call.recording_state is RecordingState.OFF
    assert [j.kind for j in await jobs(db_url)] == [CALL_UNKNOWN_JOB]


class HeardSpeech:
    def __init__(self, transcript: str) -> None:
        self.transcript = transcript
        self.calls: list[tuple[int, str, str, float | None]] = []

    async def recognize(self, audio, mime_type, language, duration_seconds):
        self.calls.append((len(audio), mime_type, language, duration_seconds))
        return self.transcript


class SeeingModel:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.seen: list[str] = []

    async def complete(self, system, user, json_mode=True):
        self.seen.append(system + user)
        return self.answer


HEARD = (
    "Алло, это Пётр Сидоров. Мой номер 916 123 45 67. Нужно заменить смеситель по адресу "
    "Москва, ул. Сухонская, д. 11, завтра после шести. Ключи у соседки Зинаиды Петровны."
)
ANSWER = json.dumps(
    {
        "summary": "[PERSON_1] просит заменить смеситель.",
        "request": "замена смесителя",
        "address": "[ADDRESS_1]",
        "when": "завтра после шести",
        "follow_up": "перезвонить [PERSON_1] на [PHONE_1]",
    },
    ensure_ascii=False,
)


async def test_a_recording_is_fetched_transcribed_and_summarised(
    pbx, db_url, services, owner, uow_factory, clock, tmp_path
):
    await services.clients.create(
        owner, "Пётр Сидоров", "+7 916 123-45-67", "Москва, ул. Сухонская, д. 11"
    )
    await services.telephony.set_recording(owner, True, confirmed=True)
    await services.telephony.set_transcription(owner, True)
    pbx.recordings[REC] = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + b"\x00" * 100
    call = pbx.incoming(CLIENT)
    await pbx.send(call.end("answered", 95, recording=REC))
    await pbx.send(call.record(REC))
    speech, model = HeardSpeech(HEARD), SeeingModel(ANSWER)
    store = LocalFileStore(tmp_path / "objects")
    async with httpx.AsyncClient() as http:
        recordings = RecordingService(
            uow_factory,
            clock,
            store,
            lambda c: HttpZadarma(http, c.api_key, c.api_secret, pbx.url),
            None,
            speech,
            model,
            LocalEntityFinder(),
        )
        stages = {
            FETCH_RECORDING_JOB: recordings.fetch,
            TRANSCRIBE_CALL_JOB: recordings.transcribe,
            SUMMARIZE_CALL_JOB: recordings.summarize,
        }
        for kind, stage in stages.items():
            for job in [j for j in await jobs(db_url) if j.kind == kind]:
                await stage(job)
                await stage(job)  # a job may run twice: the second time does nothing
    view = await the_call(services, owner)
    assert view.call.recording_state is RecordingState.READY
    assert await store.get(view.call.recording_key) == pbx.recordings[REC]
    assert speech.calls == [(len(pbx.recordings[REC]), "audio/ogg", "ru-RU", 95)]
    seen = " ".join(model.seen)
    for value in ("Пётр", "Сидоров", "916", "45 67", "Сухонская", "Owner", "Зинаид"):
        assert value not in seen, value
    assert view.call.summary["address"] == "Москва, ул. Сухонская, д. 11"
    assert view.call.summary["follow_up"].startswith("перезвонить Пётр Сидоров на +7")
    kinds = [j.kind for j in await jobs(db_url)]
    assert kinds.count(CALL_SUMMARY_JOB) == 1 and CALL_UNKNOWN_JOB not in kinds


async def test_a_summary_becomes_an_order_prefill_and_attaches_once(pbx, services, owner, clock):
    client = await services.clients.create(owner, "Пётр Сидоров", "+7 916 123-45-67")
    order = await services.orders.create(owner, OrderDraft(client.id))
    call = pbx.incoming(CLIENT)
    await pbx.send(call.end("answered", 95))
    view = await the_call(services, owner)
    data = await services.call_actions.order_data(owner, view.call.id)
    assert data == NewOrderData(client_pick=str(client.id), resolved=True, candidates=())
    _, orders = await services.call_actions.open_orders(owner, view.call.id)
    assert [o.id for o in orders] == [order.id]
    await services.call_actions.attach(owner, view.call.id, order.id)
    await services.call_actions.attach(owner, view.call.id, order.id)
    events = [e for e, _ in await services.orders.history(owner, order.id) if e.kind == "call"]
    assert len(events) == 1 and events[0].data["call_id"] == view.call.id
    clock.advance(days=1)
    assert await services.calls.today(owner, missed=False, unknown=False) == []


async def _recorded_stages(pbx, db_url, services, owner, uow_factory, clock, tmp_path, between):
    """A recorded call of a known client through fetch, then `between()`, then transcript and
    summary; the speech and model fakes are returned."""
    await services.telephony.set_recording(owner, True, confirmed=True)
    await services.telephony.set_transcription(owner, True)
    pbx.recordings[REC] = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + b"\x00" * 100
    call = pbx.incoming(CLIENT)
    await pbx.send(call.end("answered", 95, recording=REC))
    await pbx.send(call.record(REC))
    speech, model = HeardSpeech(HEARD), SeeingModel(ANSWER)
    store = LocalFileStore(tmp_path / "objects")
    async with httpx.AsyncClient() as http:
        recordings = RecordingService(
            uow_factory, clock, store,
            lambda c: HttpZadarma(http, c.api_key, c.api_secret, pbx.url), None, speech, model,
        )  # fmt: skip
        for job in [j for j in await jobs(db_url) if j.kind == FETCH_RECORDING_JOB]:
            await recordings.fetch(job)
        await between()
        for job in [j for j in await jobs(db_url) if j.kind == TRANSCRIBE_CALL_JOB]:
            await recordings.transcribe(job)
        for job in [j for j in await jobs(db_url) if j.kind == SUMMARIZE_CALL_JOB]:
            await recordings.summarize(job)
    return speech, model


async def test_a_restricted_clients_call_is_kept_but_not_transcribed(
    pbx, db_url, services, owner, uow_factory, clock, tmp_path
):
    """Issue 25, item 4: restricted before the recording arrives, or after its transcription
    was queued: the recording is stored, no speech recognition, no AI summary."""
    client = await services.clients.create(owner, "Пётр Сидоров", "+7 916 123-45-67")
    await services.clients.edit(owner, client.id, "restrict", "by e-mail on 2 March")

    async def nothing() -> None:
        return None

    speech, model = await _recorded_stages(
        pbx, db_url, services, owner, uow_factory, clock, tmp_path, nothing
    )
    assert speech.calls == [] and model.seen == []
    assert TRANSCRIBE_CALL_JOB not in [j.kind for j in await jobs(db_url)]
    view = await the_call(services, owner)
    assert view.call.recording_state is RecordingState.STORED and view.call.transcript is None


async def test_a_restriction_after_the_transcription_was_queued_stops_it(
    pbx, db_url, services, owner, uow_factory, clock, tmp_path
):
    client = await services.clients.create(owner, "Пётр Сидоров", "+7 916 123-45-67")

    async def restrict() -> None:
        await services.clients.edit(owner, client.id, "restrict", "by phone on 3 March")

    speech, model = await _recorded_stages(
        pbx, db_url, services, owner, uow_factory, clock, tmp_path, restrict
    )
    assert TRANSCRIBE_CALL_JOB in [j.kind for j in await jobs(db_url)]
    assert speech.calls == [] and model.seen == []
    view = await the_call(services, owner)
    assert view.call.transcript is None and view.call.summary is None


async def test_a_clients_objection_to_automated_processing_excludes_their_calls(
    pbx, db_url, services, owner, uow_factory, clock, tmp_path
):
    """Issue 25, item 5: the objection keeps the recording, with no transcript or summary."""
    client = await services.clients.create(owner, "Пётр Сидоров", "+7 916 123-45-67")
    await services.clients.lift_restriction(owner, client.id, objection=True)

    async def nothing() -> None:
        return None

    speech, model = await _recorded_stages(
        pbx, db_url, services, owner, uow_factory, clock, tmp_path, nothing
    )
    assert speech.calls == [] and model.seen == []
    view = await the_call(services, owner)
    assert view.call.recording_state is RecordingState.STORED and view.call.transcript is None
