"""Companies from DaData's party API (`findById/party`, `suggest/party`), see
docs/dadata-party.md.

Unlike address suggestions (integrations/dadata.py), a manager waits for this answer, so a
failure is told apart: the key refused (401/403, also the used-up daily quota), too many
requests (429), or the service unavailable (network, timeout, 5xx, a body we cannot read);
each is a `RegistryError` the conversation words. The query (an INN can be a person's), the
key and the response body (DaData's quota message quotes the token) are never logged.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

import httpx

from core.companies.model import Company, RegistryError, RegistryFailure, status_of

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://suggestions.dadata.ru/suggestions/api/4_1/rs"
MAX_FIND = 300  # findById's own cap on `count`
MAX_SUGGEST = 20  # suggest's


class HttpDaDataParties:
    """`core.companies.ports.PartyRegistry` over DaData with a shared client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 5.0,
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Token {api_key}", "Accept": "application/json"}
        self._timeout = timeout

    async def find_by_id(
        self, query: str, kpp: str | None = None, main_only: bool = False, limit: int = 20
    ) -> list[Company]:
        body: dict[str, Any] = {"query": query, "count": max(1, min(limit, MAX_FIND))}
        if kpp:
            body["kpp"] = kpp
        if main_only:
            body["branch_type"] = "MAIN"
        return await self._ask("findById/party", body)

    async def suggest(self, query: str, limit: int = 5) -> list[Company]:
        body = {"query": query, "count": max(1, min(limit, MAX_SUGGEST))}
        return await self._ask("suggest/party", body)

    async def _ask(self, method: str, body: dict[str, Any]) -> list[Company]:
        try:
            response = await self._client.post(
                f"{self._base}/{method}", json=body, headers=self._headers, timeout=self._timeout
            )
        except httpx.HTTPError as error:
            # The type only: an httpx message can carry the URL and, for some errors, the body.
            log.warning("DaData %s failed: %s", method, type(error).__name__)
            raise RegistryError(RegistryFailure.UNAVAILABLE) from None
        status = response.status_code
        if status != httpx.codes.OK:
            log.warning("DaData %s failed: HTTP %s", method, status)
            if status in (401, 403):
                raise RegistryError(RegistryFailure.REFUSED)
            if status == 429:
                raise RegistryError(RegistryFailure.BUSY)
            raise RegistryError(RegistryFailure.UNAVAILABLE)
        try:
            found = parse_parties(response.json())
        except ValueError as error:
            log.warning("DaData %s failed: HTTP 200 with %s", method, type(error).__name__)
            raise RegistryError(RegistryFailure.UNAVAILABLE) from None
        if found is None:
            log.warning("DaData %s failed: unexpected response shape", method)
            raise RegistryError(RegistryFailure.UNAVAILABLE)
        return found


def parse_parties(payload: Any) -> list[Company] | None:
    """`{"suggestions": [...]}` into companies; None when the shape is not DaData's. An item
    without an INN or a name is skipped rather than failing the whole answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("suggestions"), list):
        return None
    found = []
    for item in payload["suggestions"]:
        company = _company(item) if isinstance(item, dict) else None
        if company is not None:
            found.append(company)
    return found


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _company(item: dict[str, Any]) -> Company | None:
    data = item.get("data")
    if not isinstance(data, dict):
        return None
    inn = _text(data.get("inn"))
    names = _object(data, "name")
    name = _text(names.get("full_with_opf")) or _text(item.get("value"))
    if inn is None or name is None:
        return None
    address, state = _object(data, "address"), _object(data, "state")
    return Company(
        inn=inn,
        name=name,
        kpp=_text(data.get("kpp")),
        ogrn=_text(data.get("ogrn")),
        short_name=_text(names.get("short_with_opf")),
        # `value` is the address as written; `unrestricted_value` adds the postal code.
        address=_text(address.get("unrestricted_value")) or _text(address.get("value")),
        status=status_of(state.get("status")),
        liquidation_date=_day(state.get("liquidation_date")),
        individual=data.get("type") == "INDIVIDUAL",
        branch=_text(data.get("branch_type")),
    )


def _day(millis: Any) -> date | None:
    """DaData's dates are Unix times in milliseconds (UTC midnight of the day)."""
    if isinstance(millis, bool) or not isinstance(millis, int):
        return None
    try:
        return datetime.fromtimestamp(millis / 1000, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
