"""Company details on a client card on both databases, through the card's conversation against
the DaData fake: an INN with branches to choose from, a name search, a single answer, the
registry failing or absent (typed by hand, checked), removal; kept on the client row, carried
by a merge, exported and erased with the client."""

from __future__ import annotations

import json
import zipfile
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from sqlalchemy import select

from core.companies.model import CompanyStatus
from core.dialogs.company_data import ClientCompanyData
from core.dialogs.engine import DialogInput
from core.domain import Job
from core.orders.rules import OrderAction
from core.outcomes import ClientSaved, Prompt, Reask
from core.privacy.service import EXPORT_JOB
from integrations.dadata_party import HttpDaDataParties
from storage.tables import ClientEventRow, ClientRow
from tests.fakes import FakeDaData
from tests.integration.test_catalogue import _order
from tests.privacy_support import World, open_world
from tests.support import owner_with_org

KEY = "company-test-key"
CHAT = 555


@pytest.fixture
async def dadata() -> AsyncIterator[FakeDaData]:
    async with FakeDaData(api_key=KEY) as fake:
        yield fake


@pytest.fixture
async def w(db_url, clock, tmp_path, dadata) -> AsyncIterator[World]:
    async with httpx.AsyncClient() as http:

        def adapt(adapters) -> None:
            adapters.parties_for_key = lambda key: HttpDaDataParties(http, key, dadata.base_url)

        async with open_world(
            db_url, clock, tmp_path / "files", adapt, dadata_api_key=KEY
        ) as opened:
            yield opened


async def _start(w, owner, client_id):
    data = ClientCompanyData(client_id=client_id)
    return await w.services.dialogs.start(owner, CHAT, data.flow, data)


async def _say(w, owner, text=None, choice=None):
    return await w.services.dialogs.answer(owner, CHAT, DialogInput(text=text, choice=choice))


async def _client(w, owner, name="Бухгалтерия"):
    return await w.services.clients.create(owner, name, None, None, None)


async def test_an_inn_offers_the_head_office_and_branches(w, clock, dadata):
    owner = await owner_with_org(w.services)
    client = await _client(w, owner)
    first = await _start(w, owner, client.id)
    assert first.state.step == "query"
    picking = await _say(w, owner, "7707 083 893")
    assert isinstance(picking, Prompt) and picking.state.step == "pick"
    found = picking.state.data.found
    assert [o.kpp for o in found] == ["773601001", "540602001", "667102008"]
    confirm = await _say(w, owner, choice="1")
    assert confirm.state.step == "confirm"
    saved = await _say(w, owner, choice="save")
    assert saved == ClientSaved(client.id, created=False)
    card = await w.services.clients.card(owner, client.id)
    company = card.view.company
    assert company is not None
    assert (company.kpp, company.branch, company.checked_at) == (
        "540602001",
        "BRANCH",
        clock.now(),
    )
    assert company.address == "630007, г Новосибирск, ул Серебренниковская, д 20"
    assert dadata.requests[0].json() == {"query": "7707083893", "count": 20}
    async with w.uow() as uow:
        kinds = (await uow.session.execute(select(ClientEventRow.kind))).scalars().all()
        row = (await uow.session.execute(select(ClientRow))).scalars().one()
    assert "company_set" in kinds
    assert (row.kind, row.company_inn, row.company_status) == ("company", "7707083893", "ACTIVE")


async def test_a_name_search_then_a_bankrupt_company_is_flagged(w):
    owner = await owner_with_org(w.services)
    client = await _client(w, owner)
    await _start(w, owner, client.id)
    picking = await _say(w, owner, "ромашка")
    assert [o.short_name for o in picking.state.data.found] == [
        'ООО "РОМАШКА"',
        'ООО "РОМАШКА ПЛЮС"',
    ]
    await _say(w, owner, choice="1")
    await _say(w, owner, choice="save")
    company = (await w.services.clients.card(owner, client.id)).view.company
    assert company.status is CompanyStatus.BANKRUPT and company.flagged


async def test_one_answer_goes_straight_to_the_check_screen(w):
    owner = await owner_with_org(w.services)
    client = await _client(w, owner)
    await _start(w, owner, client.id)
    confirm = await _say(w, owner, "1166658123455")  # the liquidated one's OGRN
    assert confirm.state.step == "confirm"
    await _say(w, owner, choice="save")
    company = (await w.services.clients.card(owner, client.id)).view.company
    assert company.liquidation_date == date(2022, 1, 1) and company.flagged


async def test_wrong_numbers_and_nothing_found_are_asked_again(w, dadata):
    owner = await owner_with_org(w.services)
    client = await _client(w, owner)
    await _start(w, owner, client.id)
    wrong = await _say(w, owner, "7707083894")
    assert isinstance(wrong, Reask) and wrong.error.code == "inn_invalid"
    assert dadata.requests == []  # refused before asking
    nothing = await _say(w, owner, "7736050003")
    assert isinstance(nothing, Reask) and nothing.error.code == "company_not_found"


async def test_the_registry_failing_leaves_typing_by_hand(w, dadata, clock):
    owner = await owner_with_org(w.services)
    client = await _client(w, owner)
    await _start(w, owner, client.id)
    dadata.daily_limit = 0
    refused = await _say(w, owner, "7707083893")
    assert isinstance(refused, Reask) and refused.error.code == "dadata_refused"
    dadata.daily_limit, dadata.rate_limited = None, True
    busy = await _say(w, owner, "ромашка")
    assert busy.error.code == "dadata_busy"
    dadata.fail_status = 502
    assert (await _say(w, owner, "ромашка")).error.code == "dadata_unavailable"
    assert (await _say(w, owner, choice="manual")).state.step == "inn"
    assert (await _say(w, owner, "7730123457")).error.code == "inn_invalid"
    assert (await _say(w, owner, "7730123456")).state.step == "kpp"
    assert (await _say(w, owner, "12")).error.code == "kpp_invalid"
    assert (await _say(w, owner, "773001001")).state.step == "name"
    assert (await _say(w, owner, "ООО «Ромашка»")).state.step == "address"
    assert (await _say(w, owner, choice="skip")).state.step == "confirm"
    await _say(w, owner, choice="save")
    company = (await w.services.clients.card(owner, client.id)).view.company
    assert (company.inn, company.kpp, company.name, company.address) == (
        "7730123456", "773001001", "ООО «Ромашка»", None)  # fmt: skip
    assert company.checked_at is None  # typed by hand


async def test_without_a_key_the_details_are_typed_by_hand(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as w:
        owner = await owner_with_org(w.services)
        client = await _client(w, owner)
        first = await _start(w, owner, client.id)
        assert first.state.step == "inn" and first.state.data.offline
        await _say(w, owner, "771234567859")  # a sole trader: no KPP asked
        assert (await _say(w, owner, "ИП Иванов И. И.")).state.step == "address"
        await _say(w, owner, "г Москва")
        await _say(w, owner, choice="save")
        company = (await w.services.clients.card(owner, client.id)).view.company
        assert company.individual and company.kpp is None


async def test_remove_and_merge(w):
    owner = await owner_with_org(w.services)
    keep, other = await _client(w, owner, "Основная"), await _client(w, owner, "Дубль")
    await _start(w, owner, other.id)
    await _say(w, owner, "7730123456")
    await _say(w, owner, choice="save")
    await w.services.clients.merge(owner, keep.id, other.id)
    merged = (await w.services.clients.card(owner, keep.id)).view.company
    assert merged is not None and merged.inn == "7730123456"  # the details moved

    first = await _start(w, owner, keep.id)
    assert first.state.data.has_company
    confirm = await _say(w, owner, choice="remove")
    assert confirm.state.step == "confirm"
    await _say(w, owner, choice="remove")
    assert (await w.services.clients.card(owner, keep.id)).view.company is None
    async with w.uow() as uow:
        row = await uow.session.get(ClientRow, keep.id)
    assert (row.kind, row.company_inn, row.company_name) == ("person", None, None)


async def _found(w, owner, text):
    return [v.id for v in (await w.services.clients.find(owner, text)).items]


async def test_the_inn_ogrn_and_registry_names_find_the_card(w):
    owner = await owner_with_org(w.services)
    keep, other = await _client(w, owner, "Основная"), await _client(w, owner, "Дубль")
    await _client(w, owner, "Ромашка без реквизитов")
    assert await _found(w, owner, "7730123456") == []
    await _start(w, owner, other.id)
    await _say(w, owner, "7730123456")
    await _say(w, owner, choice="save")
    company = (await w.services.clients.card(owner, other.id)).view.company
    assert company is not None and company.ogrn
    assert await _found(w, owner, "7730123456") == [other.id]
    assert await _found(w, owner, "773012") == [other.id]  # a part of it, as typed
    assert await _found(w, owner, company.ogrn) == [other.id]
    word = company.name.split()[-1].strip('"«»')
    assert other.id in await _found(w, owner, word)
    await w.services.clients.edit(owner, other.id, "name", "Дубль переименованный")
    assert await _found(w, owner, "7730123456") == [other.id]  # a rename keeps the INN
    await w.services.clients.merge(owner, keep.id, other.id)
    assert await _found(w, owner, "7730123456") == [keep.id]
    await _start(w, owner, keep.id)
    await _say(w, owner, choice="remove")
    await _say(w, owner, choice="remove")
    assert await _found(w, owner, "7730123456") == []
    assert await _found(w, owner, "основная") == [keep.id]


async def test_exported_and_erased_with_the_client(w):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    client = await _client(w, owner)
    await _start(w, owner, client.id)
    await _say(w, owner, "6608123455")
    await _say(w, owner, choice="save")
    payload = {"user_id": owner.user.id, "org_id": org_id, "chat_id": 1, "message_id": None}
    ready = await w.services.privacy.build(Job(1, EXPORT_JOB, payload, 1))
    with zipfile.ZipFile(ready.file.path) as archive:
        (row,) = json.loads(archive.read("clients.json"))
        csv_text = archive.read("clients.csv").decode("utf-8-sig")
    assert row["company_inn"] == "6608123455" and row["company_status"] == "LIQUIDATED"
    assert row["company_liquidated_on"] == "2022-01-01" and row["kind"] == "company"
    assert "6608123455" in csv_text
    w.services.privacy.discard(ready.file)

    await w.services.erasure.erase_client(owner, client.id)
    assert await w.scan(["6608123455", "ВЕКТОР"]) == []


async def test_the_invoice_of_a_company_client_names_the_company(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    org_id = owner.organization.id
    company = await w.services.companies.by_inn(owner, "7707083893", None)  # the head office
    assert company.kpp == "773601001" and company.checked_at == clock.now()
    await w.services.companies.save(owner, order.client_id, company)
    await w.services.orders.act(worker, order.id, OrderAction.DONE)
    async with w.uow() as uow:
        invoice = await uow.invoices.for_order(org_id, order.id)
    papers = await w.services.invoices.paperwork(org_id, invoice.id)
    assert papers is not None and papers.invoice.buyer == company
