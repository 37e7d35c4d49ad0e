"""Issue 25, item 7 on both databases: a client's requests as a data subject (recorded from
the card with the day received, due 30 days later, closed by the action that answers them, in
the digest while open) and the access request's data package: everything held about that one
client (card, phones, orders and their history, messages, calls and transcripts, files,
consents, requests) in JSON and CSV with a README in the owner's language, and nothing of
another client who shares the surname and the address."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest

from core.changes import CallChange, NewCall, NewVoiceNote
from core.client_loop.model import Channel, Direction, MessageKind, NewClientMessage
from core.clients.request_model import RequestKind
from core.domain import VoiceStatus
from core.errors import DomainError
from core.files.service import IncomingFile
from core.orders.service import OrderDraft
from core.privacy.model import ExportStage
from core.privacy.service import EXPORT_JOB
from core.telephony.events import Direction as CallDirection
from core.telephony.events import RecordingState
from handlers.i18n import Catalogs
from handlers.notifications.digests import digest_view
from storage.runtime.jobs import SqlJobQueue
from tests.privacy_support import open_world, png
from tests.support import owner_with_org

ADDRESS = "ул. Ленина, д. 1, кв. 5"
PEOPLE = {
    "ivan": ("Иван Петров", "+79161110001", "ivan.petrov@example.org"),
    "sergei": ("Сергей Петров", "+79162220002", "sergei.petrov@example.org"),
}


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _seed(w, owner, clock, who: str):
    """A client with an order (photo, voice note), a message, a call with its transcript, a
    consent and a request; every text carries the client's own first name."""
    name, phone, email = PEOPLE[who]
    first = name.split()[0]
    services, org_id = w.services, owner.organization.id
    client = await services.clients.create(owner, name, phone, ADDRESS, f"домофон {first}")
    await services.clients.edit(owner, client.id, "email", email)
    draft = OrderDraft(
        client.id, address=ADDRESS, price_minor=250000,
        scheduled_at=clock.now() + timedelta(days=1), description=f"окна у {first}",
    )  # fmt: skip
    order = await services.orders.create(owner, draft)
    photo = IncomingFile(png(len(who)), "image/png", f"{who}.png", f"фото {first}", None)
    attached = await services.files.attach(owner, order.id, photo)
    assert await services.files.upload_now(attached.attachment)
    text = f"{first}: буду дома после шести"
    await services.client_loop.log_message(
        org_id, NewClientMessage(client.id, Direction.IN, MessageKind.CLIENT_MESSAGE,
                                 Channel.TELEGRAM, text, order.id),
    )  # fmt: skip
    await services.client_loop.record_basis(owner, client.id, Channel.SMS)
    async with w.uow() as uow:
        note = NewVoiceNote(
            order_id=order.id, user_id=owner.user.id, chat_id=owner.user.telegram_id,
            status=VoiceStatus.READY, transcript=f"{first} просит перезвонить",
        )  # fmt: skip
        await uow.voice.add(org_id, clock.now(), note)
        new = NewCall(direction=CallDirection.INCOMING, started_at=clock.now(), caller=phone,
                      client_phone=phone, client_id=client.id)  # fmt: skip
        call = await uow.calls.ensure(org_id, f"pbx-{who}", clock.now(), new)
        said = CallChange(transcript=f"Алло, это {first}", recording_state=RecordingState.READY)
        await uow.calls.update(org_id, call.id, clock.now(), said)
        await uow.commit()
    await services.clients.edit(owner, client.id, "request_access", "today")
    return client, order


def _rows(archive: zipfile.ZipFile, entity: str) -> list[dict]:
    return json.loads(archive.read(f"{entity}.json"))


async def test_a_package_holds_one_client_and_nothing_of_the_namesake(w, clock):
    owner = await owner_with_org(w.services)
    ivan, ivan_order = await _seed(w, owner, clock, "ivan")
    sergei, _ = await _seed(w, owner, clock, "sergei")
    made = await w.services.privacy.client_package(owner, ivan.id)
    try:
        with zipfile.ZipFile(made.path) as archive:
            names = set(archive.namelist())
            everything = b"".join(archive.read(n) for n in names).decode("utf-8", "replace")
            readme = archive.read("README.txt").decode("utf-8-sig")
            clients = _rows(archive, "clients")
            phones = _rows(archive, "client_phones")
            orders = _rows(archive, "orders")
            messages = _rows(archive, "client_messages")
            calls = _rows(archive, "call")
            consents = _rows(archive, "client_consents")
            requests = _rows(archive, "client_request")
            notes = _rows(archive, "voice_notes")
            events = _rows(archive, "order_events")
            sheet = archive.read("clients.csv").decode("utf-8-sig")
    finally:
        w.services.privacy.discard(made)
    assert "всё, что организация хранит о клиенте №" in readme  # the owner's language: ru
    assert [c["name"] for c in clients] == ["Иван Петров"] and clients[0]["address"] == ADDRESS
    assert [p["phone"] for p in phones] == ["+79161110001"]
    assert [o["id"] for o in orders] == [ivan_order.id]
    assert {e["order_id"] for e in events} == {ivan_order.id}
    assert [m["body"] for m in messages] == ["Иван: буду дома после шести"]
    assert [c["transcript"] for c in calls] == ["Алло, это Иван"]
    assert [n["transcript"] for n in notes] == ["Иван просит перезвонить"]
    assert [(c["channel"], c["action"]) for c in consents] == [("sms", "basis")]
    assert [r["kind"] for r in requests] == ["access"]
    assert any(n.startswith(f"files/order-{ivan_order.id}/") for n in names)
    assert "Иван Петров" in next(csv.DictReader(io.StringIO(sheet), delimiter=";")).values()
    for leaked in ("Сергей", "79162220002", "sergei.petrov", "sergei.png", "домофон С"):
        assert leaked not in everything, leaked
    # Every row naming a client names Ivan; no order of Sergei's is referenced.
    for rows in (messages, calls, consents, requests, orders):
        assert {r.get("client_id") for r in rows} <= {ivan.id, None}
    assert sergei.id not in {c["id"] for c in clients}


async def test_requests_are_due_in_30_days_closed_by_their_answer_and_in_the_digest(w, clock):
    owner = await owner_with_org(w.services)
    services, org_id = w.services, owner.organization.id
    client = await services.clients.create(owner, "Иван Петров", "+79161110001", ADDRESS)
    today = clock.now().date()
    for field, day in (
        ("request_access", "today"), ("request_correction", today.strftime("%d.%m")),
        ("request_restriction", "today"), ("request_objection", "today"),
    ):  # fmt: skip
        await services.clients.edit(owner, client.id, field, day)
    for bad in ("31.02", "yesterday", (today + timedelta(days=400)).strftime("%d.%m.%Y")):
        try:
            await services.clients.edit(owner, client.id, "request_deletion", bad)
        except DomainError as error:
            assert error.code == "request_day_invalid"
        else:
            raise AssertionError(bad)
    card = await services.clients.card(owner, client.id)
    assert {r.kind for r in card.requests} == set(RequestKind) - {RequestKind.DELETION}
    assert {r.due_on for r in card.requests} == {today + timedelta(days=30)}

    digest = await services.notifications.digest_for(owner)
    assert digest.digest.requests_total == 4 and not digest.digest.quiet
    for language, words in (("ru", "Открытые запросы о данных: 4"), ("en", "data requests: 4")):
        text, _ = digest_view(Catalogs().get(language), digest)
        assert words in text
    clock.advance(days=24)  # due in 6 days: marked
    text, _ = digest_view(Catalogs().get("en"), await services.notifications.digest_for(owner))
    assert "⚠️" in text.split("data requests")[1]

    await services.clients.edit(owner, client.id, "notes", "исправлено по просьбе")
    await services.clients.edit(owner, client.id, "restrict", "by phone")
    await _package_by_job(w, owner, client.id)
    async with w.uow() as uow:
        rows = await uow.requests.client_requests(org_id, client.id)
        audit = [e.action for e in await uow.audit.listing(org_id, 50, 0)]
    closed = {r.kind: r.closed_by for r in rows}
    assert closed == {
        RequestKind.ACCESS: "package", RequestKind.CORRECTION: "edit",
        RequestKind.RESTRICTION: "restriction", RequestKind.OBJECTION: None,
    }  # fmt: skip
    assert audit.count("client.request_recorded") == 4
    assert "client.package_exported" in audit
    left = (await services.notifications.digest_for(owner)).digest
    assert [r.kind for r in left.requests] == ["objection"]


async def _package_by_job(w, owner, client_id):
    """The card's button: an export job that delivers the package (the bot sends it)."""
    await w.services.privacy.request_client_package(owner, client_id, 1, None)
    queue = SqlJobQueue(w.sessions)
    job = await queue.claim("test", [EXPORT_JOB], timedelta(minutes=5), w.clock.now())
    assert job is not None and job.payload["client_id"] == client_id
    stages = []

    async def progress(step):
        stages.append(step.stage)

    ready = await w.services.privacy.build(job, progress)
    try:
        assert ExportStage.TABLES in stages and ready.file.name.startswith("astracrm-client-")
        with zipfile.ZipFile(ready.file.path) as archive:
            assert [c["id"] for c in _rows(archive, "clients")] == [client_id]
    finally:
        w.services.privacy.discard(ready.file)


def test_the_request_day_reads_as_the_organization_sees_it():
    from core.clients.requests import received_day

    today = date(2026, 3, 3)
    assert received_day("today", today) == today and received_day("сегодня", today) == today
    assert received_day("01.03", today) == date(2026, 3, 1)
    assert received_day("20.12", today) == date(2025, 12, 20)  # last year's, never ahead
