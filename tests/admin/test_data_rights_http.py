"""GET /api/export and GET /api/audit through the admin API, with an API token."""

from __future__ import annotations

import io
import json
import zipfile

from tests.support import owner_with_org


async def test_export_zip_and_audit_over_the_api(client, container):
    owner = await owner_with_org(container.services)
    await container.services.clients.create(owner, "Пётр Сидоров", "+79161234567")
    token = (await container.services.admin.create_token(owner, "export")).token
    bearer = {"Authorization": f"Bearer {token}"}
    response = await client.get("/api/export", headers=bearer)
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    client_json = next(n for n in names if n.endswith(("client.json", "clients.json")))
    assert "Пётр Сидоров" in json.dumps(json.loads(archive.read(client_json)), ensure_ascii=False)
    assert any(n.lower().startswith("readme") for n in names)
    audit = await client.get("/api/audit", headers=bearer)
    assert audit.status_code == 200
    assert any("export" in json.dumps(event) for event in audit.json())
    assert (await client.get("/api/export")).status_code == 401
    assert (await client.get("/api/audit", headers=bearer, params={"limit": 0})).status_code == 422
