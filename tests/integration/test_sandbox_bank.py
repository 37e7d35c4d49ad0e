"""The sandbox's own T-Bank: the demo organization's clients' payment links open its page,
whose button pays as a card would (the bank then notifies the product as the real one does),
and the demo organization is connected to it as its owner would connect its own terminal."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.demo import connect_demo_channels, seed_demo
from bot.local import LocalBot
from bot.sandbox import SANDBOX_SMS_KEY, SANDBOX_TERMINAL, sandbox_settings, with_sandbox_keys
from bot.settings import Settings
from core.client_loop.payments import TERMINAL_SECRET, terminal_of
from core.clock import FixedClock
from core.team.users import load_actor
from integrations.tbank import HttpTBank
from sandbox.emulator.server import AsgiServer
from sandbox.peers.tbank import sign
from sandbox.peers.tbank_terminal import FakeTBankTerminal
from storage import demo
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
async def bank():
    async with FakeTBankTerminal(*SANDBOX_TERMINAL) as peer:
        yield peer


async def test_the_payment_pages_button_pays_and_the_bank_notifies(bank):
    received: list[dict] = []

    async def notified(request: Request) -> PlainTextResponse:
        received.append(await request.json())
        return PlainTextResponse("OK")

    shop = AsgiServer(Starlette(routes=[Route("/notify", notified, methods=["POST"])]))
    async with shop, httpx.AsyncClient() as http:
        terminal = HttpTBank(http, *SANDBOX_TERMINAL, base_url=bank.base_url)
        created = await terminal.init(
            "order-38-1",
            4500,
            "Заказ №38",
            notification_url=f"{shop.url}/notify",
            success_url="https://crm.example/c/thanks",
        )
        page = await http.get(created.payment_url)
        assert page.status_code == 200 and "<button>" in page.text and "45.00" in page.text
        assert bank.payments[str(created.payment_id)].status == "FORM_SHOWED"

        paid = await http.post(created.payment_url)
        assert paid.status_code == 303
        assert paid.headers["location"] == "https://crm.example/c/thanks"
        assert bank.payments[str(created.payment_id)].status == "CONFIRMED"
        assert [n["Status"] for n in received] == ["AUTHORIZED", "CONFIRMED"]
        for notification in received:  # signed with the terminal's password, as the bank does
            fields = {k: v for k, v in notification.items() if k != "Token"}
            assert notification["Token"] == sign(fields, SANDBOX_TERMINAL[1])

        again = await http.post(created.payment_url)  # a second tap pays nothing more
        assert again.status_code == 303 and len(received) == 2
        after = await http.get(created.payment_url)
        assert "<button>" not in after.text and "CONFIRMED" in after.text
        missing = await http.post(created.payment_url.rsplit("/", 1)[0] + "/nope")
        assert missing.status_code == 404


async def test_the_demo_organization_is_connected_to_the_sandboxs_own_bank(tmp_path, bank):
    settings, _ = with_sandbox_keys(
        sandbox_settings(Settings(sandbox_dir=tmp_path, sandbox_port=0))
    )
    settings = settings.model_copy(update={"tbank_base_url": bank.base_url})
    async with LocalBot(settings) as local:
        await seed_demo(local, "en")
        await connect_demo_channels(local, "en", SANDBOX_SMS_KEY, 2525, SANDBOX_TERMINAL)
        assert local.container is not None
        services = local.container.services
        sessions = session_factory(local.container.engine)
        async with SqlUnitOfWork(sessions, FixedClock(NOW)) as uow:
            owner = await uow.users.by_telegram_id(demo.team("en")[0].telegram_id)
            assert owner is not None
            actor = await load_actor(uow, owner)
            assert actor.organization is not None
            stored = await services.org_settings.credential_in(
                uow, actor.organization.id, TERMINAL_SECRET
            )
            catalogue = await uow.catalogue.items(actor.organization.id)
    # the demo organization sells something: its catalogue for lines, quotes and invoices
    assert [i.name for i in catalogue if i.name == "Call-out"] == ["Call-out"]
    assert len(catalogue) == 5 and all(i.price_minor > 0 for i in catalogue)
    terminal = terminal_of(stored)
    assert terminal is not None
    assert (terminal.terminal_key, terminal.password) == SANDBOX_TERMINAL
