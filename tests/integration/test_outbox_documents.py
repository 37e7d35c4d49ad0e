"""An invoice's PDFs in the outbox (`Method.DOCUMENTS`): one row is one album, sent with one
sendMediaGroup and marked sent with the first document's message id; a process that died
holding it leaves it to be sent again once, after its lease, like any message. A PDF gone
meanwhile is left out (one left goes as a document, none sends nothing). On both databases."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from telegram import InputFile, InputMediaDocument

from bot.outbox import LEASE, OutboxSender
from core.runtime.outbox import Delivery, Method
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import Catalogs
from storage.db import create_engine, session_factory
from storage.update_work import UpdateWork
from tests.support import profile, services_for

CHAT = 77


class AlbumBot:
    """What the sender calls: albums and single documents, each answered with message ids."""

    def __init__(self) -> None:
        self.albums: list[list[tuple[str, str]]] = []
        self.documents: list[str] = []
        self._next = 100

    def _message(self) -> SimpleNamespace:
        self._next += 1
        return SimpleNamespace(message_id=self._next)

    async def send_media_group(self, chat_id: int, media: list[InputMediaDocument]):
        assert chat_id == CHAT
        self.albums.append([(m.media.filename, str(m.caption)) for m in media])
        return [self._message() for _ in media]

    async def send_document(self, chat_id: int, document: InputFile, caption: str):
        self.documents.append(str(document.filename))
        return self._message()


@pytest.fixture
async def sessions(db_url):
    engine = create_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()


def _sender(bot, sessions, clock, services, tag: str) -> OutboxSender:
    return OutboxSender(bot, sessions, clock, services, Catalogs(), None, f"host:{tag}:t:outbox")  # type: ignore[arg-type]


def _album() -> list[Delivery]:
    out = Outgoing()
    files = [(False, "invoice-1.pdf", "Invoice"), (True, "report-1.pdf", "Report")]
    out.invoice_pdfs(CHAT, (1, 5), files)
    return out.deliveries


async def _stored(sessions, clock, holder: str):
    async with UpdateWork(sessions, clock, update_id=None) as work:
        async with work.units() as uow:  # something written, so the update commits its rows
            await uow.users.add(profile(), clock.now())
            await uow.commit()
        return await work.finish(_album(), holder, LEASE)


@pytest.fixture
def pdfs() -> dict[bool, bytes]:
    """The stored PDFs by whether the service report."""
    return {False: b"%PDF invoice", True: b"%PDF report"}


@pytest.fixture
def services(uow_factory, clock, monkeypatch, pdfs):
    services = services_for(uow_factory, clock)

    async def pdf(org_id: int, invoice_id: int, report: bool = False) -> bytes | None:
        return pdfs.get(report) if (org_id, invoice_id) == (1, 5) else None

    monkeypatch.setattr(services.invoices, "pdf", pdf)
    return services


async def test_an_album_is_one_delivery_sent_once_and_marked(sessions, clock, services):
    bot = AlbumBot()
    stored = await _stored(sessions, clock, "host:1:t:outbox")
    assert stored is not None and len(stored) == 1
    await _sender(bot, sessions, clock, services, "1").deliver(stored)
    assert bot.albums == [[("invoice-1.pdf", "Invoice"), ("report-1.pdf", "Report")]]
    clock.advance(seconds=LEASE.total_seconds() * 3)
    assert await _sender(bot, sessions, clock, services, "2").recover() == 0  # marked: gone
    assert len(bot.albums) == 1


async def test_an_album_a_dead_process_held_is_sent_again_once(sessions, clock, services):
    bot = AlbumBot()
    await _stored(sessions, clock, "host:1:t:outbox")  # then the process died: sent or not
    other = _sender(bot, sessions, clock, services, "2")
    assert await other.recover() == 0  # its lease has not lapsed
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await other.recover() == 1
    clock.advance(seconds=LEASE.total_seconds() * 3)
    assert await _sender(bot, sessions, clock, services, "3").recover() == 0
    assert len(bot.albums) == 1 and bot.documents == []


async def test_a_missing_pdf_is_left_out(sessions, clock, services, pdfs):
    bot = AlbumBot()
    pdfs.pop(True)  # the report is gone: the invoice alone, as a document
    await _sender(bot, sessions, clock, services, "1").deliver(
        await _stored(sessions, clock, "host:1:t:outbox")
    )
    pdfs.clear()  # both gone: nothing sent, the row done with
    await _sender(bot, sessions, clock, services, "1").deliver(
        await _stored(sessions, clock, "host:1:t:outbox")
    )
    clock.advance(seconds=LEASE.total_seconds() * 3)
    assert await _sender(bot, sessions, clock, services, "2").recover() == 0
    assert (bot.albums, bot.documents) == ([], ["invoice-1.pdf"])


def test_the_row_holds_ids_and_names_never_bytes():
    (delivery,) = _album()
    assert delivery.method is Method.DOCUMENTS and delivery.method.new_message
    assert Delivery.from_json(CHAT, "interactive", delivery.to_json()) == delivery
    assert delivery.params == {
        "org": 1, "invoice": 5,
        "files": [
            {"report": False, "filename": "invoice-1.pdf", "caption": "Invoice"},
            {"report": True, "filename": "report-1.pdf", "caption": "Report"},
        ],
    }  # fmt: skip
    assert timedelta(seconds=60) == LEASE
