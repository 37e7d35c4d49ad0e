"""Keys for the REST API's tests."""

from __future__ import annotations

from core.apikeys.model import Scope
from tests.support import owner_with_org

ALL = [scope.value for scope in Scope]


async def keyed(services, scopes=ALL, name: str = "Чистый дом"):
    """An owner with an organization and a key: (owner, headers with the key)."""
    owner = await owner_with_org(services, name)
    issued = await services.api_keys.create(owner, "test", scopes)
    return owner, {"Authorization": f"Bearer {issued.secret}"}
