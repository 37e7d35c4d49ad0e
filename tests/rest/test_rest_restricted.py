"""Issue 25, item 4: /api/v1/clients on both databases shows a client whose processing is
restricted with `restricted: true` and the personal fields withheld (read, list, search);
lifting brings them back."""

from __future__ import annotations

from core.domain import Role
from tests.rest.support import keyed
from tests.support import onboard, profile, profile_of


async def test_a_restricted_client_is_listed_without_personal_fields(client, container):
    owner, headers = await keyed(container.services)
    body = {"name": "Анна Смирнова", "phone": "+7 916 555-00-01", "address": "ул. Тихая, 5",
            "notes": "ключ у соседки", "email": "anna@example.org"}  # fmt: skip
    made = await client.post("/api/v1/clients", json=body, headers=headers)
    assert made.status_code == 201 and made.json()["restricted"] is False
    cid = made.json()["id"]
    await container.services.clients.edit(owner, cid, "restrict", "by phone on 3 March")
    withheld = {
        "id": cid, "restricted": True, "name": None, "phones": [], "address": None,
        "notes": None, "email": None,
    }  # fmt: skip
    got = await client.get(f"/api/v1/clients/{cid}", headers=headers)
    assert got.status_code == 200
    assert {k: v for k, v in got.json().items() if k in withheld} == withheld
    listed = (await client.get("/api/v1/clients", headers=headers)).json()["items"]
    found = await client.get("/api/v1/clients", params={"q": "916 555"}, headers=headers)
    for item in [*listed, *found.json()["items"]]:
        assert {k: v for k, v in item.items() if k in withheld} == withheld
    for text in (got.text, found.text):
        for personal in ("Анна", "79165550001", "Тихая", "соседки", "anna@"):
            assert personal not in text
    await container.services.clients.lift_restriction(owner, cid)
    back = (await client.get(f"/api/v1/clients/{cid}", headers=headers)).json()
    assert back["name"] == "Анна Смирнова" and back["phones"] == ["+79165550001"]
    assert back["restricted"] is False


async def test_a_member_who_restricted_their_data_is_listed_without_their_name(client, container):
    """A staff member's own restriction (from /privacy): /api/v1/members shows the record
    with `restricted: true` and no name; lifting brings the name back."""
    services = container.services
    owner, headers = await keyed(services)
    invite = await services.invites.create(owner, Role.WORKER)
    ivan = await onboard(services, profile("Иван"))
    await services.invites.accept(ivan, invite.token)
    await services.users.restrict_self(ivan, True)
    got = await client.get("/api/v1/members", headers=headers)
    shown = [(m["name"], m["role"], m["restricted"]) for m in got.json()]
    assert shown == [("Owner", "owner", False), (None, "worker", True)]
    assert "Иван" not in got.text
    ivan = await services.users.identify(profile_of(ivan))
    await services.users.restrict_self(ivan, False)
    back = (await client.get("/api/v1/members", headers=headers)).json()
    assert [(m["name"], m["restricted"]) for m in back] == [("Owner", False), ("Иван", False)]
