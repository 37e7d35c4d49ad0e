"""Address suggestions per organization: DaData with the organization's own token (an
integration credential of its settings, `core.admin.org_settings`), else the deployment's
adapter; one adapter per key, made once."""

from __future__ import annotations

from collections.abc import Callable

from core.admin.org_settings import OrgSettingsService
from core.ports import AddressSuggester, UnitOfWork


class OrgAddressSuggesters:
    """DaData per organization: its own token, else the deployment's (one adapter per key)."""

    def __init__(
        self,
        settings: OrgSettingsService,
        make: Callable[[str], AddressSuggester] | None,
        fallback: AddressSuggester | None = None,
    ) -> None:
        self._settings = settings
        self._make = make
        self._fallback = fallback
        self._by_key: dict[str, AddressSuggester] = {}

    async def for_org(self, uow: UnitOfWork, org_id: int) -> AddressSuggester | None:
        if self._make is None:
            return self._fallback
        key = await self._settings.credential_in(uow, org_id, "dadata_token")
        if key is None:
            return None
        if key not in self._by_key:
            self._by_key[key] = self._make(key)
        return self._by_key[key]
