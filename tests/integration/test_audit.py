"""The audit log on both databases: each audited action leaves one entry with who and when;
owners read it (newest first, also as JSON for the admin API), managers may not."""

import pytest

from core.domain import Role
from core.errors import DomainError
from tests.privacy_support import open_world, seed_client
from tests.support import onboard, owner_with_org, profile, profile_of


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _sign_in_to_the_admin_page(s, owner) -> None:
    link = await s.admin.issue_link(owner)
    await s.admin.sign_in(link.url.rsplit("/", 1)[1])


async def test_every_audited_action_is_recorded(w, clock):
    s = w.services
    owner = await owner_with_org(s)
    seeded = await seed_client(w, owner, clock)
    token = (await s.invites.create(owner, Role.WORKER)).token
    person = profile("Работник")
    await s.invites.accept(await onboard(s, person), token)
    member = next(v for v in await s.team.team(owner) if v.user.first_name == "Работник")
    steps = [
        s.clients.card(owner, seeded.client.id),
        s.privacy.request_export(owner, 1, None, personal=False),
        s.privacy.request_export(owner, 1, None, personal=True),
        s.team.change_role(owner, member.membership.id, Role.MANAGER),
        s.team.set_active(owner, member.membership.id, False),
        s.team.set_photos_required(owner, 2),
        s.privacy.set_retention(owner, 730),
        _sign_in_to_the_admin_page(s, owner),
        s.erasure.erase_client(owner, seeded.client.id),
    ]
    for step in steps:
        clock.advance(minutes=1)
        await step
    page = await s.audit.page(owner)
    assert page.total == 9 and page.pages == 2
    events = (await s.audit.page(owner)).items + (await s.audit.page(owner, 1)).items
    assert [e.action for e in events] == [
        "client.deleted",
        "admin.sign_in",
        "setting.changed",
        "setting.changed",
        "member.access_changed",
        "member.role_changed",
        "data.personal_exported",
        "data.exported",
        "client.viewed",
    ]
    assert {e.actor_name for e in events} == {"Owner"}
    assert (events[-1].subject_type, events[-1].subject_id) == ("client", seeded.client.id)
    assert events[5].data == {"role": "manager", "previous": "worker"}
    as_json = await s.audit.for_api(owner, limit=2)
    assert [e["action"] for e in as_json] == ["client.deleted", "admin.sign_in"]
    assert as_json[0]["created_at"] == events[0].created_at.isoformat()
    values = [seeded.client.name, "79165551234", "Уникальная"]
    assert await w.scan(values) == []  # the log names nobody


async def test_organization_life_cycle_is_recorded_and_managers_cannot_read(w, clock):
    s = w.services
    owner = await owner_with_org(s)
    token = (await s.invites.create(owner, Role.MANAGER)).token
    person = profile("Менеджер")
    await s.invites.accept(await onboard(s, person), token)
    manager = await s.users.identify(person)
    with pytest.raises(DomainError) as refused:
        await s.audit.page(manager)
    assert refused.value.code == "forbidden"
    await s.erasure.set_active(owner, False)
    owner = await s.users.identify(profile_of(owner))
    await s.erasure.set_active(owner, True)
    owner = await s.users.identify(profile_of(owner))
    await s.erasure.delete_org(owner)
    owner = await s.users.identify(profile_of(owner))
    actions = [e.action for e in (await s.audit.page(owner)).items]
    assert actions == ["org.deletion_requested", "org.reactivated", "org.deactivated"]
