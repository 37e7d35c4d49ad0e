"""The Zadarma REST API, see docs/protocols.md (Zadarma): a call recording's temporary link
(`GET /v1/pbx/record/request/`) and its download.

Requests are signed as the official clients do: `Authorization: <key>:<signature>`, where
the signature is Base64 of the lowercase hex HMAC-SHA1 of `method_path + sorted_query +
md5(sorted_query)` with the API secret (the same quirk as webhook signatures). Never logged:
the key, the secret, signatures, links (they grant access to a recording) or bodies.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlencode

import httpx

from core.errors import ExternalServiceError
from core.telephony.events import zadarma_signature

log = logging.getLogger(__name__)

SERVICE = "zadarma"
DEFAULT_BASE_URL = "https://api.zadarma.com"
RECORD_PATH = "/v1/pbx/record/request/"
MAX_RECORDING = 200 * 1024 * 1024
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def sorted_query(params: dict[str, str]) -> str:
    """Parameters sorted by name, URL-encoded as PHP's http_build_query does (spaces as +)."""
    return urlencode(sorted(params.items()))


def authorization(api_key: str, api_secret: str, method_path: str, params: dict[str, str]) -> str:
    query = sorted_query(params)
    digest = hashlib.md5(query.encode(), usedforsecurity=False).hexdigest()
    return f"{api_key}:{zadarma_signature(api_secret, method_path + query + digest)}"


class HttpZadarma:
    """`core.telephony.ports.PbxApi` for one account's key and secret."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        api_secret: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
    ) -> None:
        self._client = client
        self._key = api_key
        self._secret = api_secret
        self._base = base_url.rstrip("/")
        self._timeout = timeout

    def __repr__(self) -> str:  # no secret, even in a debugger or a crash dump
        return f"HttpZadarma(base_url={self._base!r})"

    async def recording_link(self, call_id_with_rec: str) -> str:
        params = {"call_id": call_id_with_rec, "format": "json"}
        body = await self._get_json(RECORD_PATH, params)
        link = body.get("link")
        if isinstance(link, list):
            link = link[0] if link else None
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            raise ExternalServiceError(SERVICE, "no recording link", retryable=False)
        return link

    async def download(self, url: str) -> bytes:
        response = await self._send("download", url)
        if len(response.content) > MAX_RECORDING:
            raise ExternalServiceError(SERVICE, "recording too large", retryable=False)
        return response.content

    async def _get_json(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        headers = {"Authorization": authorization(self._key, self._secret, path, params)}
        url = f"{self._base}{path}?{sorted_query(params)}"
        response = await self._send("record", url, headers=headers)
        try:
            body = response.json()
        except ValueError:
            raise ExternalServiceError(SERVICE, "not JSON", retryable=True) from None
        if not isinstance(body, dict) or body.get("status") != "success":
            # "not found" while the recording is still being prepared: worth another try
            log.warning("Zadarma refused a recording request")
            raise ExternalServiceError(SERVICE, "refused", retryable=True)
        return body

    async def _send(
        self, what: str, url: str, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        try:
            response = await self._client.get(url, headers=headers, timeout=self._timeout)
        except httpx.HTTPError as error:
            log.warning("Zadarma %s failed: %s", what, type(error).__name__)
            raise ExternalServiceError(SERVICE, type(error).__name__, retryable=True) from None
        if response.status_code != httpx.codes.OK:
            log.warning("Zadarma %s answered HTTP %s", what, response.status_code)
            retryable = response.status_code in RETRYABLE_STATUSES
            if response.status_code == httpx.codes.NOT_FOUND:
                retryable = True  # the recording may not be ready yet
            raise ExternalServiceError(SERVICE, f"HTTP {response.status_code}", retryable)
        return response
