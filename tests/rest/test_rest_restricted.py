"""Issue 25, item 4: /api/v1/clients on both databases shows a client whose processing is
restricted with `restricted: true` and the personal fields withheld (read, list, search);
lifting brings them back."""

from __future__ import annotations

from tests.rest.support import keyed


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
