"""A local DaData suggestions API (`POST .../suggest/address`, docs/protocols.md, DaData; and
`findById/party`, `suggest/party`, docs/dadata-party.md).

    async with FakeDaData(api_key="k") as dadata:
        suggester = HttpDaDataSuggester(client, "k", base_url=dadata.base_url)
        ...
        dadata.requests[-1].json()  # what the adapter sent

Misbehaving on demand: `fail_status = 503` (any status, with DaData's error body),
`daily_limit = 0` (the real "quota exhausted" 403), `delay = 5.0` (beyond the client's
timeout), `malformed = True` (a 200 whose JSON is cut short).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.dadata_addresses import ADDRESSES, FakeAddress
from tests.fakes.dadata_parties import PARTIES, FakeParty
from tests.fakes.server import FakeService

BASE_PATH = "/suggestions/api/4_1/rs"
DEFAULT_COUNT = 10
MAX_COUNT = 20
MAX_FIND = 300  # findById's cap on `count`


def dadata_error(status: int, message: str) -> JSONResponse:
    """DaData's error body: `{"family": "CLIENT_ERROR", "reason": "Forbidden", "message": ...}`."""
    family = "CLIENT_ERROR" if status < 500 else "SERVER_ERROR"
    reason = HTTPStatus(status).phrase
    body = {"family": family, "reason": reason, "message": message}
    return JSONResponse(body, status_code=status)


class FakeDaData(FakeService):
    """Address suggestions from a built-in list, matched by case-insensitive word prefixes."""

    def __init__(
        self,
        api_key: str = "fake-dadata-key",
        addresses: Sequence[FakeAddress] = ADDRESSES,
        daily_limit: int | None = None,
        parties: Sequence[FakeParty] = PARTIES,
    ) -> None:
        super().__init__(
            [
                Route(f"{BASE_PATH}/suggest/address", self._suggest, methods=["POST"]),
                Route(f"{BASE_PATH}/findById/party", self._find_party, methods=["POST"]),
                Route(f"{BASE_PATH}/suggest/party", self._suggest_party, methods=["POST"]),
            ]
        )
        self.api_key = api_key
        self.addresses = list(addresses)
        self.parties = list(parties)
        self.rate_limited = False  # answer 429 (DaData: over the requests per second)
        self.daily_limit = daily_limit
        self.answered = 0
        self.malformed = False

    @property
    def base_url(self) -> str:
        """What `HttpDaDataSuggester(base_url=...)` expects (no trailing slash)."""
        return f"{self.url}{BASE_PATH}"

    def search(self, query: str, language: str = "ru", count: int = DEFAULT_COUNT) -> list[Any]:
        """The suggestions the fake answers for a query (also handy for expected values)."""
        found = [a for a in self.addresses if a.matches(query)]
        return [a.suggestion(language) for a in found[: min(count, MAX_COUNT)]]

    async def _suggest(self, request: Request) -> Response:
        recorded = await self.record(request)
        await self.pause()
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        body = _parse_body(request.headers.get("content-type", ""), recorded.body)
        if isinstance(body, Response):
            return body
        self.answered += 1
        if self.malformed:
            cut_short = '{"suggestions": [{"value": "г Моск'.encode()
            return Response(cut_short, media_type="application/json")
        found = self.search(body["query"], body["language"], body["count"])
        return JSONResponse({"suggestions": found})

    async def _party(self, request: Request, find: bool) -> Response:
        """findById/party: an exact INN or OGRN, all branches unless `branch_type` or `kpp`
        narrows them; suggest/party: names (word prefixes) or the start of a number."""
        recorded = await self.record(request)
        await self.pause()
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        body = _parse_party(request.headers.get("content-type", ""), recorded.body, find)
        if isinstance(body, Response):
            return body
        self.answered += 1
        query = body["query"].strip()
        if find:
            found = [p for p in self.parties if query in (p.inn, p.ogrn)]
            if body.get("kpp"):
                found = [p for p in found if p.kpp == body["kpp"]]
            if body.get("branch_type"):
                found = [p for p in found if p.branch == body["branch_type"]]
        else:
            found = [p for p in self.parties if p.matches(query)]
        if body.get("type"):
            found = [
                p for p in found if ("INDIVIDUAL" if p.individual else "LEGAL") == body["type"]
            ]
        return JSONResponse({"suggestions": [p.suggestion() for p in found[: body["count"]]]})

    async def _find_party(self, request: Request) -> Response:
        return await self._party(request, find=True)

    async def _suggest_party(self, request: Request) -> Response:
        return await self._party(request, find=False)

    def _refusal(self, request: Request) -> Response | None:
        """Forced failures first, then the key, then the daily quota."""
        if self.fail_status is not None:
            return dadata_error(self.fail_status, HTTPStatus(self.fail_status).description)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Token" or not token:
            return dadata_error(401, "Authorization header is missing or malformed")
        if token != self.api_key:
            return dadata_error(403, "Invalid API key")
        if self.daily_limit is not None and self.answered >= self.daily_limit:
            # The real message quotes the token: one more reason never to log error bodies.
            return dadata_error(403, f"Feature 'SUGGESTIONS' disabled for token '{token}'")
        if self.rate_limited:
            return dadata_error(429, "Too many requests")
        return None


def _query_body(content_type: str, raw: bytes) -> dict[str, Any] | Response:
    """A JSON object with a string `query` and, if given, a positive integer `count`."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return dadata_error(415, "Content-Type must be application/json")
    try:
        body = json.loads(raw)
    except ValueError:
        return dadata_error(400, "Request body is not valid JSON")
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return dadata_error(400, "Field 'query' is required")
    count = body.get("count", DEFAULT_COUNT)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return dadata_error(400, "Field 'count' must be a positive integer")
    return body


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any] | Response:
    """`query` (required), `count` (1.., capped at 20), `language` (`ru` | `en`, default ru)."""
    body = _query_body(content_type, raw)
    if isinstance(body, Response):
        return body
    count = body.get("count", DEFAULT_COUNT)
    language = body.get("language") or "ru"
    if language not in ("ru", "en"):
        return dadata_error(400, "Field 'language' must be 'ru' or 'en'")
    return {"query": body["query"], "count": min(count, MAX_COUNT), "language": language}


def _parse_party(content_type: str, raw: bytes, find: bool) -> dict[str, Any] | Response:
    """`query` (required), `count` (findById up to 300, suggest up to 20, default 10), and the
    filters `kpp`, `branch_type` (MAIN | BRANCH) and `type` (LEGAL | INDIVIDUAL)."""
    body = _query_body(content_type, raw)
    if isinstance(body, Response):
        return body
    count = body.get("count", DEFAULT_COUNT)
    for name, allowed in (("branch_type", ("MAIN", "BRANCH")), ("type", ("LEGAL", "INDIVIDUAL"))):
        if body.get(name) is not None and body[name] not in allowed:
            return dadata_error(400, f"Field '{name}' must be one of {', '.join(allowed)}")
    kpp = body.get("kpp")
    if kpp is not None and not isinstance(kpp, str):
        return dadata_error(400, "Field 'kpp' must be a string")
    cap = MAX_FIND if find else MAX_COUNT
    return {**body, "count": min(count, cap)}
