"""Sign-in links, sessions and API tokens on both databases: one use, ten minutes, races,
roles, revocation, and nothing but hashes stored."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from core.domain import Role
from core.errors import DomainError
from storage.db import create_engine
from tests.support import onboard, owner_with_org, profile, profile_of


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def _codes(calls) -> list[str]:
    results = await asyncio.gather(*calls, return_exceptions=True)
    return sorted("ok" if not isinstance(r, BaseException) else r.code for r in results)


async def test_a_link_opens_one_session_once(services, clock):
    owner = await owner_with_org(services)
    link = await services.admin.issue_link(owner)
    assert link.url.startswith("http://admin.test/signin/sl_")
    assert (link.expires_at - clock.now()).total_seconds() == 600
    opened = await services.admin.sign_in(_token(link.url))
    actor = await services.admin.session_actor(opened.token)
    assert actor.organization.id == owner.organization.id and actor.role is Role.OWNER
    with pytest.raises(DomainError) as again:
        await services.admin.sign_in(_token(link.url))
    assert again.value.code == "sign_in_invalid"


async def test_concurrent_use_of_one_link_opens_one_session(services):
    owner = await owner_with_org(services)
    token = _token((await services.admin.issue_link(owner)).url)
    codes = await _codes([services.admin.sign_in(token) for _ in range(4)])
    assert codes == ["ok", "sign_in_invalid", "sign_in_invalid", "sign_in_invalid"]


async def test_links_expire_after_ten_minutes_and_sessions_end(services, clock):
    owner = await owner_with_org(services)
    late = _token((await services.admin.issue_link(owner)).url)
    fresh = _token((await services.admin.issue_link(owner)).url)
    clock.advance(minutes=9, seconds=59)
    opened = await services.admin.sign_in(fresh)
    clock.advance(seconds=2)
    with pytest.raises(DomainError, match="sign_in_invalid"):
        await services.admin.sign_in(late)
    await services.admin.sign_out(opened.token)
    with pytest.raises(DomainError, match="session_invalid"):
        await services.admin.session_actor(opened.token)
    with pytest.raises(DomainError, match="sign_in_invalid"):
        await services.admin.sign_in("not a token")


async def test_session_expires(services, clock):
    owner = await owner_with_org(services)
    opened = await services.admin.sign_in(_token((await services.admin.issue_link(owner)).url))
    clock.advance(hours=12, seconds=1)
    with pytest.raises(DomainError, match="session_invalid"):
        await services.admin.session_actor(opened.token)


async def test_owners_and_managers_get_links_and_a_demoted_owner_loses_the_settings(services):
    owner = await owner_with_org(services)
    invite = await services.invites.create(owner, Role.MANAGER)
    person = profile("Mila")
    manager = await onboard(services, person)
    await services.invites.accept(manager, invite.token)
    manager = await services.users.identify(person)
    board = await services.admin.sign_in(_token((await services.admin.issue_link(manager)).url))
    assert board.actor.role is Role.MANAGER  # the board, with a manager's rights
    with pytest.raises(DomainError, match="forbidden"):
        await services.org_settings.view(board.actor)
    worker_invite = await services.invites.create(owner, Role.WORKER)
    worker = await onboard(services, profile("Ivan"))
    await services.invites.accept(worker, worker_invite.token)
    with pytest.raises(DomainError, match="board_workers"):
        await services.admin.issue_link(await services.users.identify(profile_of(worker)))
    member = next(v for v in await services.team.team(owner) if v.user.id == manager.user.id)
    await services.team.change_role(owner, member.membership.id, Role.OWNER)
    manager = await services.users.identify(person)
    opened = await services.admin.sign_in(_token((await services.admin.issue_link(manager)).url))
    await services.team.change_role(owner, member.membership.id, Role.MANAGER)
    demoted = await services.admin.session_actor(opened.token)
    with pytest.raises(DomainError, match="forbidden"):
        await services.org_settings.view(demoted)


async def test_api_tokens_are_shown_once_stored_hashed_and_revocable(services, db_url):
    owner = await owner_with_org(services)
    issued = await services.admin.create_token(owner, "  Zapier  ")
    assert issued.token.startswith("ak_") and issued.record.name == "Zapier"
    actor = await services.admin.token_actor(issued.token)
    assert actor.user.id == owner.user.id
    listed = await services.admin.tokens(owner)
    assert [t.name for t in listed] == ["Zapier"] and listed[0].last_used_at is not None
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM api_token"))).all()
        links = (await connection.execute(text("SELECT token_hash FROM admin_session"))).all()
    await engine.dispose()
    assert issued.token not in repr(rows) and not links
    await services.admin.revoke_token(owner, issued.record.id)
    with pytest.raises(DomainError, match="token_invalid"):
        await services.admin.token_actor(issued.token)
    with pytest.raises(DomainError, match="not_found"):
        await services.admin.revoke_token(owner, issued.record.id)


async def test_a_token_acts_only_in_its_own_organization(services):
    first = await owner_with_org(services, "Первая")
    second = await owner_with_org(services, "Вторая")
    issued = await services.admin.create_token(first, "sync")
    actor = await services.admin.token_actor(issued.token)
    assert actor.organization.id == first.organization.id
    with pytest.raises(DomainError, match="not_found"):
        await services.admin.revoke_token(second, issued.record.id)
