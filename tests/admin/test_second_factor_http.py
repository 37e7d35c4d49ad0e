"""The second factor of the web sign-in over the admin app (issue 25, item 11): the bot's
link gives a pending session until an authenticator app's code (on a frozen clock: wrong and
replayed codes refused, one step of tolerance), a recovery code (once) or a passkey passes;
a pending session is refused by the pages and the API; failures are audited (without the
code) and limited per person; an organization can require a factor of its owners."""

from __future__ import annotations

import base64
import logging

from bot.admin.factor_views import SCRIPT
from core.admin.factors import MAX_FAILURES
from core.domain import Role
from tests.admin.factor_support import (
    DATA_CSRF,
    browser,
    code_at,
    csrf,
    rows,
    set_up_totp,
    sign_in,
)
from tests.admin.soft_authenticator import SoftAuthenticator
from tests.support import onboard, owner_with_org, profile, profile_of


async def test_totp_setup_then_a_pending_sign_in(client, container, clock, db_url, caplog):
    caplog.set_level(logging.DEBUG)
    services = container.services
    owner = await owner_with_org(services)
    assert (await sign_in(client, services, owner)).headers["location"] == "/settings"
    secret, codes = await set_up_totp(client, clock)
    stored = await rows(db_url, "SELECT kind, secret_ciphertext, last_step FROM second_factor")
    assert len(stored) == 1 and stored[0][0] == "totp" and secret not in stored[0][1]
    hashes = await rows(db_url, "SELECT code_hash FROM recovery_code WHERE used_at IS NULL")
    assert len(hashes) == 10 and not any(c in repr(hashes) for c in codes)
    assert (await client.get("/settings")).status_code == 200  # this session passed it

    async with browser(container) as web:
        opened = await sign_in(web, services, owner)
        assert opened.headers["location"] == "/second-factor"
        refused = await web.get("/api/me")
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json() == {
            "type": "urn:astracrm:problem:second_factor_pending",
            "title": "Forbidden",
            "status": 403,
            "detail": "Confirm the sign-in with your second factor first: open the sign-in "
            "page again.",
            "instance": "/api/me",
            "code": "second_factor_pending",
        }
        russian = await web.get("/api/me", headers={"accept-language": "ru"})
        assert russian.json()["detail"] == (
            "Сначала подтвердите вход вторым фактором: откройте страницу входа ещё раз."
        )
        for path in ("/settings", "/board", "/security", "/billing"):
            bounced = await web.get(path)
            assert (bounced.status_code, bounced.headers["location"]) == (303, "/second-factor")
        page = await web.get("/second-factor")
        assert page.status_code == 200 and "Второй фактор" in page.text
        token = await csrf(web, "/second-factor")

        wrong = await web.post("/second-factor", data={"csrf": token, "code": "000000"})
        assert wrong.status_code == 422 and "Код неверный или уже использован" in wrong.text
        replayed = code_at(secret, clock)  # the step the setup used
        again = await web.post("/second-factor", data={"csrf": token, "code": replayed})
        assert again.status_code == 422
        assert (await web.get("/api/me")).status_code == 403

        clock.advance(seconds=30)
        right = await web.post(
            "/second-factor", data={"csrf": token, "code": code_at(secret, clock)}
        )
        assert (right.status_code, right.headers["location"]) == (303, "/settings")
        me = await web.get("/api/me")
        assert me.status_code == 200 and me.json()["role"] == "owner"

    async with browser(container) as late:  # one step of tolerance, but never a spent step
        await sign_in(late, services, owner)
        token = await csrf(late, "/second-factor")
        spent = code_at(secret, clock)  # accepted above
        clock.advance(seconds=30)  # within tolerance of the spent step, still refused
        refused = await late.post("/second-factor", data={"csrf": token, "code": spent})
        assert refused.status_code == 422
        one_behind = code_at(secret, clock)
        clock.advance(seconds=30)
        passed = await late.post("/second-factor", data={"csrf": token, "code": one_behind})
        assert passed.status_code == 303

    failed = await rows(
        db_url, "SELECT actor_id, data FROM audit_event WHERE action = 'second_factor.failed'"
    )
    assert len(failed) == 3 and all(row[0] == owner.user.id for row in failed)
    passed_rows = await rows(
        db_url, "SELECT data FROM audit_event WHERE action = 'second_factor.passed'"
    )
    assert len(passed_rows) == 2
    everything = repr(failed) + repr(passed_rows) + caplog.text
    assert secret not in everything and replayed not in everything and "000000" not in everything


async def test_a_recovery_code_works_once(client, container, clock, db_url):
    services = container.services
    owner = await owner_with_org(services)
    await sign_in(client, services, owner)
    _, codes = await set_up_totp(client, clock)
    async with browser(container) as web:
        await sign_in(web, services, owner)
        token = await csrf(web, "/second-factor")
        typed = codes[3].lower().replace("-", " ")  # as people type it
        used = await web.post("/second-factor", data={"csrf": token, "code": typed})
        assert (used.status_code, used.headers["location"]) == (303, "/security?left=9")
        shown = await web.get("/security?left=9")
        assert "Осталось 9 кодов восстановления." in shown.text
    async with browser(container) as again:
        await sign_in(again, services, owner)
        token = await csrf(again, "/second-factor")
        reused = await again.post("/second-factor", data={"csrf": token, "code": codes[3]})
        assert reused.status_code == 422
        other = await again.post("/second-factor", data={"csrf": token, "code": codes[4]})
        assert other.status_code == 303
    left = await rows(db_url, "SELECT count(*) FROM recovery_code WHERE used_at IS NULL")
    assert left == [(8,)]


async def test_failed_codes_are_limited_per_person(client, container, clock):
    services = container.services
    owner = await owner_with_org(services)
    await sign_in(client, services, owner)
    secret, _ = await set_up_totp(client, clock)
    clock.advance(seconds=30)
    async with browser(container) as web:
        await sign_in(web, services, owner)
        token = await csrf(web, "/second-factor")
        for _ in range(MAX_FAILURES):
            wrong = await web.post("/second-factor", data={"csrf": token, "code": "123456"})
            assert wrong.status_code == 422
    async with browser(container) as other:  # another browser: the same person's limit
        await sign_in(other, services, owner)
        token = await csrf(other, "/second-factor")
        right = code_at(secret, clock)
        limited = await other.post("/second-factor", data={"csrf": token, "code": right})
        assert limited.status_code == 429 and limited.headers["retry-after"] == "900"
        assert "Слишком много неверных кодов (5)" in limited.text
        clock.advance(minutes=15)
        passed = await other.post(
            "/second-factor", data={"csrf": token, "code": code_at(secret, clock)}
        )
        assert passed.status_code == 303


async def test_an_owner_can_require_a_second_factor_of_owners(client, container, clock, db_url):
    services = container.services
    owner = await owner_with_org(services)
    await sign_in(client, services, owner)
    token = await csrf(client)
    early = await client.post("/security/owners", data={"csrf": token, "required": "1"})
    assert early.status_code == 422 and "Сначала добавьте второй фактор" in early.text
    await set_up_totp(client, clock)
    saved = await client.post("/security/owners", data={"csrf": token, "required": "1"})
    assert (saved.status_code, saved.headers["location"]) == (303, "/security?saved=1")

    invite = await services.invites.create(owner, Role.MANAGER)
    second = await onboard(services, profile("Boris", "en"), language="en")
    await services.invites.accept(second, invite.token)
    member = next(v for v in await services.team.team(owner) if v.user.id == second.user.id)
    await services.team.change_role(owner, member.membership.id, Role.OWNER)
    second = await services.users.identify(profile_of(second))
    invite = await services.invites.create(owner, Role.MANAGER)
    manager = await onboard(services, profile("Mila"))
    await services.invites.accept(manager, invite.token)
    manager = await services.users.identify(profile_of(manager))

    async with browser(container) as web:
        opened = await sign_in(web, services, second)
        assert opened.headers["location"] == "/security"
        bounced = await web.get("/settings")
        assert (bounced.status_code, bounced.headers["location"]) == (303, "/security")
        api = await web.get("/api/settings")
        assert api.status_code == 403 and api.json()["code"] == "second_factor_setup"
        page = await web.get("/security")
        assert "The organization requires owners to use a second factor" in page.text
        await set_up_totp(web, clock)
        assert (await web.get("/settings")).status_code == 200
    async with browser(container) as board:  # managers are not owners: the rule leaves them
        opened = await sign_in(board, services, manager)
        assert opened.headers["location"] == "/board"
        assert (await board.get("/board")).status_code == 200
    changes = await rows(db_url, "SELECT data FROM audit_event WHERE action = 'setting.changed'")
    assert any("second_factor_owners" in repr(row) for row in changes)


async def test_removing_a_factor_needs_a_fresh_check(client, container, clock, db_url):
    services = container.services
    owner = await owner_with_org(services)
    await sign_in(client, services, owner)
    secret, _ = await set_up_totp(client, clock)
    (factor_id,) = (await rows(db_url, "SELECT id FROM second_factor"))[0]
    clock.advance(minutes=11)
    token = await csrf(client)
    stale = await client.post(f"/security/factors/{factor_id}/remove", data={"csrf": token})
    assert (stale.status_code, stale.headers["location"]) == (303, "/second-factor?next=/security")
    check = await client.get("/second-factor?next=/security")
    assert check.status_code == 200
    passed = await client.post(
        "/second-factor",
        data={"csrf": token, "code": code_at(secret, clock), "next": "/security"},
    )
    assert (passed.status_code, passed.headers["location"]) == (303, "/security")
    gone = await client.post(f"/security/factors/{factor_id}/remove", data={"csrf": token})
    assert (gone.status_code, gone.headers["location"]) == (303, "/security?saved=1")
    assert await rows(db_url, "SELECT count(*) FROM second_factor") == [(0,)]
    assert await rows(db_url, "SELECT count(*) FROM recovery_code") == [(0,)]
    async with browser(container) as web:  # no factor left: the link alone signs in
        opened = await sign_in(web, services, owner)
        assert opened.headers["location"] == "/settings"


async def test_a_passkey_is_registered_and_signs_in(client, container, db_url):
    services = container.services
    owner = await owner_with_org(services)
    await sign_in(client, services, owner)
    security = await client.get("/security")
    assert '<button type="button" data-passkey="register"' in security.text
    assert "script-src 'self'" in security.headers["content-security-policy"]
    headers = {"x-csrf-token": DATA_CSRF.search(security.text).group(1)}
    key = SoftAuthenticator("http://admin.test")
    offered = await client.post("/security/passkey/options", headers=headers)
    assert offered.status_code == 200 and offered.headers["cache-control"] == "no-store"
    options = offered.json()
    assert options["rp"]["id"] == "admin.test" and options["excludeCredentials"] == []
    elsewhere = SoftAuthenticator("https://admin.test.example")  # another site's page
    refused = await client.post(
        "/security/passkey?name=Laptop", content=elsewhere.create(options), headers=headers
    )
    assert refused.status_code == 422 and refused.json()["code"] == "passkey_invalid"
    options = (await client.post("/security/passkey/options", headers=headers)).json()
    made = key.create(options)
    added = await client.post("/security/passkey?name=Laptop", content=made, headers=headers)
    assert added.status_code == 200 and added.json()["next"] == "/security?saved=1"
    assert len(added.json()["codes"]) == 10
    again = await client.post("/security/passkey?name=Laptop", content=made, headers=headers)
    assert again.status_code == 422 and again.json()["code"] == "passkey_expired"
    credential = base64.urlsafe_b64encode(key.credential_id).decode().rstrip("=")
    stored = await rows(db_url, "SELECT kind, name, sign_count, credential_id FROM second_factor")
    assert stored == [("passkey", "Laptop", 0, credential)]

    async with browser(container) as web:
        assert (await sign_in(web, services, owner)).headers["location"] == "/second-factor"
        page = await web.get("/second-factor")
        assert 'data-passkey="signin"' in page.text and SCRIPT in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "navigator.credentials.get" in (await web.get(SCRIPT)).text
        headers = {"x-csrf-token": DATA_CSRF.search(page.text).group(1)}
        assert (await web.post("/second-factor/passkey/options")).status_code == 403
        options = (await web.post("/second-factor/passkey/options", headers=headers)).json()
        assert [c["id"] for c in options["allowCredentials"]] == [credential]
        impostor = SoftAuthenticator("http://admin.test")  # the same id, another private key
        impostor.credential_id = key.credential_id
        forged = await web.post(
            "/second-factor/passkey", content=impostor.get(options, "admin.test"), headers=headers
        )
        assert forged.status_code == 422 and forged.json()["code"] == "second_factor_wrong"
        options = (await web.post("/second-factor/passkey/options", headers=headers)).json()
        passed = await web.post(
            "/second-factor/passkey", content=key.get(options, "admin.test"), headers=headers
        )
        assert passed.status_code == 200 and passed.json() == {"next": "/settings"}
        assert (await web.get("/api/me")).status_code == 200
    assert await rows(db_url, "SELECT sign_count FROM second_factor") == [(1,)]

    async with browser(container) as cloned:  # a copy of the key: its counter went back
        await sign_in(cloned, services, owner)
        page = await cloned.get("/second-factor")
        headers = {"x-csrf-token": DATA_CSRF.search(page.text).group(1)}
        options = (await cloned.post("/second-factor/passkey/options", headers=headers)).json()
        behind = key.get(options, "admin.test", counter=1)
        copied = await cloned.post("/second-factor/passkey", content=behind, headers=headers)
        assert copied.status_code == 422
        assert (await cloned.get("/api/me")).status_code == 403
    reasons = await rows(
        db_url, "SELECT data FROM audit_event WHERE action = 'second_factor.failed'"
    )
    assert len(reasons) == 2 and "sign_count" in repr(reasons[1])


async def test_a_pending_session_signs_out(client, container, clock, db_url):
    """Someone who opened the link but cannot (or will not) confirm it ends that session from
    the second-factor page; the session is revoked, not left open until it expires."""
    services = container.services
    owner = await owner_with_org(services)
    await sign_in(client, services, owner)
    await set_up_totp(client, clock)
    async with browser(container) as web:
        await sign_in(web, services, owner)
        page = await web.get("/second-factor")
        assert 'action="/signout"' in page.text
        token = await csrf(web, "/second-factor")
        assert (await web.post("/signout", data={"csrf": "forged"})).status_code == 403
        out = await web.post("/signout", data={"csrf": token})
        assert out.status_code == 200 and "Вы вышли" in out.text
        assert (await web.get("/second-factor")).status_code in (401, 303)
    revoked = await rows(db_url, "SELECT count(*) FROM admin_session WHERE revoked_at IS NOT NULL")
    assert revoked == [(1,)]
    assert (await client.get("/settings")).status_code == 200  # the other session stays
