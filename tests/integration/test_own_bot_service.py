"""The own-bot service on both databases (docs/own-bot.md): the token kept only encrypted,
one bot per organization and one organization per bot, a check recorded once, the rights
of an owner; the Bot API adapter's answers to what Telegram says of a token."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text

from core.domain import Job
from core.errors import DomainError
from core.ownbot.model import (
    OWNBOT_CHECK_JOB,
    BotIdentity,
    BotProfile,
    BotState,
    TokenRefused,
    token_bot_id,
)
from core.ownbot.service import OwnBotService
from integrations.telegram_directory import BotApiFailure, HttpBotDirectory
from storage.db import create_engine
from storage.secrets import FernetSecretBox
from tests.support import owner_with_org, services_for

TOKEN = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


@pytest.fixture
def own(uow_factory, clock):
    services = services_for(uow_factory, clock)
    box = FernetSecretBox(FernetSecretBox.generate_key())
    return services, OwnBotService(uow_factory, clock, box)


def _job(org_id: int, bot_id: int) -> Job:
    return Job(1, OWNBOT_CHECK_JOB, {"org": org_id, "bot": bot_id}, 1, org_id)


async def test_the_token_is_stored_encrypted_and_a_check_is_recorded_once(own, db_url):
    services, bots = own
    owner = await owner_with_org(services)
    org_id = owner.organization.id
    bot = await bots.connect(owner, f"  {TOKEN} ")
    assert (bot.telegram_id, bot.state, bot.serves_staff) == (987654321, BotState.CHECKING, False)
    check = await bots.check_of(_job(org_id, 987654321))
    assert check is not None and check.token == TOKEN and check.org_name == "Чистый дом"
    assert await bots.check_of(_job(org_id, 111111)) is None  # a job for a replaced bot
    identity = BotIdentity(987654321, "clean_house_bot", "Чистый дом")
    done = await bots.checked(check, identity)
    assert done is not None and done.state is BotState.ACTIVE
    assert done.username == "clean_house_bot" and done.connected_by == owner.user.id
    assert await bots.checked(check, identity) is None  # the job ran twice: nothing more
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM own_bot"))).all()
        jobs = (await connection.execute(text("SELECT kind FROM job"))).all()
        audit = (await connection.execute(text("SELECT action, data FROM audit_event"))).all()
    await engine.dispose()
    secret = TOKEN.split(":")[1]
    assert secret not in repr(rows) and secret not in repr(audit) and len(rows) == 1
    assert (OWNBOT_CHECK_JOB,) in jobs and "own_bot.connected" in repr(audit)


async def test_one_bot_per_organization_and_one_organization_per_bot(own):
    services, bots = own
    first = await owner_with_org(services)
    second = await owner_with_org(services, "Второй дом")
    await bots.connect(first, TOKEN)
    with pytest.raises(DomainError, match="ownbot_taken"):
        await bots.connect(second, TOKEN)
    other = "555555555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2"
    replaced = await bots.connect(first, other)  # the organization's bot is replaced
    assert replaced.telegram_id == 555555555
    await bots.connect(second, TOKEN)  # free again
    staff = await bots.set_staff(second, True)
    assert staff.serves_staff and (await bots.status(second)).serves_staff
    gone = await bots.disconnect(second)
    assert gone.telegram_id == 987654321 and await bots.status(second) is None
    for act in (bots.disconnect(second), bots.set_staff(second, False)):
        with pytest.raises(DomainError, match="ownbot_none"):
            await act


async def test_bad_tokens_and_a_missing_key_are_refused(own, uow_factory, clock):
    services, bots = own
    owner = await owner_with_org(services)
    shapes = ("", "123:abc", "0987654321:" + "A" * 35, TOKEN + " x", TOKEN[:-10])
    for bad in shapes:
        with pytest.raises(DomainError, match="ownbot_token_invalid"):
            await bots.connect(owner, bad)
    keyless = OwnBotService(uow_factory, clock, None)
    assert not keyless.available
    with pytest.raises(DomainError, match="ownbot_unavailable"):
        await keyless.connect(owner, TOKEN)


def test_token_shapes():
    assert token_bot_id(TOKEN) == 987654321
    assert token_bot_id(" " + TOKEN + "\n") == 987654321
    shapes = ("bot" + TOKEN, TOKEN.replace(":", ";"), "12:" + "A" * 35, "1" * 21 + ":" + "A" * 35)
    for bad in shapes:
        assert token_bot_id(bad) is None


def _directory(handler) -> HttpBotDirectory:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return HttpBotDirectory(client, "https://api.telegram.test/bot")


async def test_the_bot_api_adapter_maps_telegrams_answers():
    seen: list[tuple[str, dict]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        import json

        method = request.url.path.rsplit("/", 1)[1]
        seen.append((method, json.loads(request.content or b"{}")))
        if "BAD" in request.url.path:
            return httpx.Response(401, json={"ok": False, "error_code": 401})
        if "DOWN" in request.url.path:
            return httpx.Response(502, text="<html>bad gateway</html>")
        if method == "getMe":
            me = {"id": 9, "is_bot": True, "first_name": "B", "username": "b_bot"}
            return httpx.Response(200, json={"ok": True, "result": me})
        if method == "setMyDescription" and len(json.loads(request.content)["description"]) > 5:
            return httpx.Response(400, json={"ok": False, "error_code": 400})
        return httpx.Response(200, json={"ok": True, "result": True})

    directory = _directory(answer)
    assert await directory.identify("9:GOOD") == BotIdentity(9, "b_bot", "B")
    with pytest.raises(TokenRefused):
        await directory.identify("9:BAD")
    with pytest.raises(BotApiFailure) as failed:
        await directory.identify("9:DOWN-secret")
    assert "secret" not in str(failed.value) and "502" in str(failed.value)
    seen.clear()
    profile = BotProfile({"": [("start", "Go")], "en": [("start", "Go")]}, {"": "Hi"}, {"ru": "x"})
    await directory.set_profile("9:GOOD", profile)
    assert [m for m, _ in seen] == [
        "setMyCommands",
        "setMyCommands",
        "setMyDescription",
        "setMyShortDescription",
    ]
    assert "language_code" not in seen[0][1] and seen[1][1]["language_code"] == "en"
    with pytest.raises(BotApiFailure, match="error 400"):
        await directory.set_profile("9:GOOD", BotProfile({}, {"": "too long"}, {}))

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(BotApiFailure, match="ConnectError"):
        await _directory(offline).identify("9:GOOD")
