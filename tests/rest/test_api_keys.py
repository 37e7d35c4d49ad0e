"""API keys on both databases: shown once, stored hashed, scoped, revocable, audited, and
working only while their creator is an active owner."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.apikeys.model import Scope
from core.domain import Role
from core.errors import DomainError
from storage.db import create_engine
from tests.support import onboard, owner_with_org, profile


async def test_a_key_is_shown_once_stored_hashed_and_acts_as_its_owner(services, db_url, clock):
    owner = await owner_with_org(services)
    issued = await services.api_keys.create(owner, "  Zapier ", ["orders:read", "clients:read"])
    assert issued.secret.startswith("crm_") and issued.key.name == "Zapier"
    assert issued.key.scopes == (Scope.ORDERS_READ, Scope.CLIENTS_READ)
    assert issued.key.prefix == issued.secret[:8]
    caller = await services.api_keys.caller(issued.secret)
    assert caller.actor.user.id == owner.user.id
    assert caller.actor.organization.id == owner.organization.id
    caller.require(Scope.ORDERS_READ)
    with pytest.raises(DomainError, match="api_scope_missing"):
        caller.require(Scope.ORDERS_WRITE)
    listed = await services.api_keys.keys(owner)
    assert [k.last_used_at for k in listed] == [clock.now()]
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM api_key"))).all()
        audit = (await connection.execute(text("SELECT action, data FROM audit_event"))).all()
    await engine.dispose()
    assert issued.secret not in repr(rows) and issued.secret[8:] not in repr(audit)
    assert "api_key.created" in repr(audit)


async def test_a_revoked_or_unknown_key_is_refused_and_revoking_is_audited(services):
    owner = await owner_with_org(services)
    issued = await services.api_keys.create(owner, "CRM sync", ["clients:write"])
    await services.api_keys.revoke(owner, issued.key.id)
    for secret in (issued.secret, "crm_" + "x" * 43, "ak_short", ""):
        with pytest.raises(DomainError, match="api_key_invalid"):
            await services.api_keys.caller(secret)
    with pytest.raises(DomainError, match="not_found"):
        await services.api_keys.revoke(owner, issued.key.id)
    assert await services.api_keys.keys(owner) == []
    actions = [e.action for e in (await services.audit.page(owner)).items]
    assert actions[:2] == ["api_key.revoked", "api_key.created"]


async def test_scopes_and_names_are_checked(services):
    owner = await owner_with_org(services)
    for scopes in ([], ["orders:delete"], ["orders:read", "everything"]):
        with pytest.raises(DomainError, match="api_key_scopes_invalid"):
            await services.api_keys.create(owner, "x", scopes)
    with pytest.raises(DomainError, match="name_empty"):
        await services.api_keys.create(owner, "  ", ["orders:read"])
    made = await services.api_keys.create(owner, "all", [s.value for s in Scope][::-1])
    assert made.key.scopes == tuple(Scope)


async def test_only_owners_manage_keys_and_a_demoted_owner_s_keys_stop(services):
    owner = await owner_with_org(services)
    invite = await services.invites.create(owner, Role.MANAGER)
    person = profile("Mila")
    second = await onboard(services, person)
    await services.invites.accept(second, invite.token)
    member = next(v for v in await services.team.team(owner) if v.user.id == second.user.id)
    await services.team.change_role(owner, member.membership.id, Role.OWNER)
    second = await services.users.identify(person)
    issued = await services.api_keys.create(second, "theirs", ["orders:read"])
    assert (await services.api_keys.caller(issued.secret)).actor.user.id == second.user.id
    await services.team.change_role(owner, member.membership.id, Role.MANAGER)
    demoted = await services.users.identify(person)
    with pytest.raises(DomainError, match="api_key_invalid"):
        await services.api_keys.caller(issued.secret)
    with pytest.raises(DomainError, match="forbidden"):
        await services.api_keys.create(demoted, "mine", ["orders:read"])
    with pytest.raises(DomainError, match="forbidden"):
        await services.api_keys.keys(demoted)


async def test_keys_belong_to_one_organization(services):
    first = await owner_with_org(services, "First")
    second = await owner_with_org(services, "Second")
    issued = await services.api_keys.create(first, "one", ["orders:read"])
    with pytest.raises(DomainError, match="not_found"):
        await services.api_keys.revoke(second, issued.key.id)
    assert await services.api_keys.keys(second) == []
    caller = await services.api_keys.caller(issued.secret)
    assert caller.actor.organization.id == first.organization.id


async def test_the_owner_manages_keys_over_the_admin_api(client, container):
    owner = await owner_with_org(container.services)
    token = (await container.services.admin.create_token(owner, "admin")).token
    bearer = {"Authorization": f"Bearer {token}"}
    body = {"name": "Website", "scopes": ["orders:read", "orders:write"]}
    made = await client.post("/api/api-keys", json=body, headers=bearer)
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]
    assert secret.startswith("crm_") and made.json()["scopes"] == ["orders:read", "orders:write"]
    listed = (await client.get("/api/api-keys", headers=bearer)).json()
    assert [(k["name"], k["prefix"]) for k in listed] == [("Website", secret[:8])]
    assert "secret" not in listed[0]
    bad = await client.post("/api/api-keys", json={"name": "x", "scopes": ["x"]}, headers=bearer)
    assert bad.status_code == 422
    none = await client.post("/api/api-keys", json={"name": "x", "scopes": []}, headers=bearer)
    assert none.status_code == 422
    gone = await client.delete(f"/api/api-keys/{listed[0]['id']}", headers=bearer)
    assert gone.status_code == 204
    assert (await client.get("/api/api-keys", headers=bearer)).json() == []
    # A key of the REST API opens nothing of the admin API.
    refused = await client.get("/api/api-keys", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
