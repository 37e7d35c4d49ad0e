"""A local Zadarma PBX (docs/protocols.md, Zadarma). As the real PBX does, it posts call
notifications to a webhook, form-encoded, with `Signature` = Base64 of the lowercase hex
HMAC-SHA1 of the event's own signed string; it checks a URL with `?zd_echo=`; it serves
recordings behind the REST API (`GET /v1/pbx/record/request/`) with its `Authorization`
check (`key:base64(hex(HMAC-SHA1(secret, path + sorted query + md5(sorted query))))`).

    async with FakeZadarma(api_key="k", api_secret="s") as pbx:
        pbx.webhook_url = "http://127.0.0.1:8081/pbx/zadarma/<org_key>"
        pbx.recordings["1737371000.1"] = ogg_bytes
        call = pbx.incoming("79001234567")
        await pbx.send(call.start())                 # signed, as the PBX signs it
        await pbx.send(call.end("no answer"))
        await pbx.send(call.end("no answer"))        # a redelivery
        await pbx.send(call.start(), forge=True)     # a wrong signature

Signing is written here from the documentation, independently of the product's code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeService

RECORD_PATH = "/v1/pbx/record/request/"
SIGNED = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}
_ids = itertools.count(1)


def hex_b64_hmac(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": "error", "message": message}, status_code=status)


@dataclass
class PbxCall:
    """One call's notifications, in the order the PBX sends them."""

    pbx: FakeZadarma
    caller: str
    pbx_call_id: str = field(default_factory=lambda: f"in_{secrets.token_hex(6)}")
    started: str = ""

    def _base(self, event: str) -> dict[str, str]:
        return {"event": event, "call_start": self.started, "pbx_call_id": self.pbx_call_id}

    def start(self) -> dict[str, str]:
        return {**self._base("NOTIFY_START"), "caller_id": self.caller, "called_did": self.pbx.did}

    def internal(self, extension: str) -> dict[str, str]:
        return {**self.start(), "event": "NOTIFY_INTERNAL", "internal": extension}

    def answer(self, extension: str) -> dict[str, str]:
        fields = {"caller_id": self.caller, "destination": extension, "internal": extension}
        return {**self._base("NOTIFY_ANSWER"), **fields}

    def end(
        self,
        disposition: str = "answered",
        duration: int = 0,
        extension: str = "",
        recording: str | None = None,
    ) -> dict[str, str]:
        fields = {
            "caller_id": self.caller,
            "called_did": self.pbx.did,
            "internal": extension,
            "duration": str(duration),
            "disposition": disposition,
            "status_code": "16" if disposition == "answered" else "19",
            "is_recorded": "1" if recording else "0",
            "call_id_with_rec": recording or "",
        }
        return {**self._base("NOTIFY_END"), **fields}

    def record(self, recording: str) -> dict[str, str]:
        return {
            "event": "NOTIFY_RECORD",
            "pbx_call_id": self.pbx_call_id,
            "call_id_with_rec": recording,
        }


class FakeZadarma(FakeService):
    """The PBX posting to `webhook_url`, and its REST API for recordings (`recordings`)."""

    def __init__(
        self,
        api_key: str = "zd-key",
        api_secret: str = "zd-secret",
        did: str = "74951234567",
        zone: str = "Europe/Moscow",
    ) -> None:
        super().__init__(
            [
                Route(RECORD_PATH, self._record_link, methods=["GET"]),
                Route("/records/{token}", self._download, methods=["GET"]),
            ]
        )
        self.api_key, self.api_secret, self.did, self.zone = api_key, api_secret, did, zone
        self.webhook_url = ""
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)  # the PBX's clock
        self.recordings: dict[str, bytes] = {}
        self.sent: list[tuple[dict[str, str], int]] = []
        self._links: dict[str, str] = {}

    # The PBX as a client of our webhook.

    def incoming(self, caller: str, at: datetime | None = None) -> PbxCall:
        """A new call from `caller`, started `at` (now) in the PBX's local time."""
        moment = (at or self.now()).astimezone(ZoneInfo(self.zone))
        return PbxCall(self, caller, started=moment.strftime("%Y-%m-%d %H:%M:%S"))

    def sign(self, fields: dict[str, str]) -> str:
        message = "".join(fields.get(name, "") for name in SIGNED[fields["event"]])
        return hex_b64_hmac(self.api_secret, message)

    async def send(
        self, fields: dict[str, str], forge: bool = False, signature: str | None = None
    ) -> httpx.Response:
        """POST one notification, signed (or forged: signed with another secret)."""
        if signature is None:
            signature = hex_b64_hmac("forged", "x") if forge else self.sign(fields)
        async with httpx.AsyncClient(timeout=10.0) as client:
            response = await client.post(
                self.webhook_url, data=fields, headers={"Signature": signature}
            )
        self.sent.append((fields, response.status_code))
        return response

    async def check_url(self, value: str | None = None) -> httpx.Response:
        """What the personal account does when the URL is saved: `GET ?zd_echo=`."""
        async with httpx.AsyncClient(timeout=10.0) as client:
            echo = value or secrets.token_hex(8)
            return await client.get(self.webhook_url, params={"zd_echo": echo})

    # The REST API.

    def authorization(self, path: str, params: dict[str, str]) -> str:
        query = urlencode(sorted(params.items()))
        md5 = hashlib.md5(query.encode()).hexdigest()
        return f"{self.api_key}:{hex_b64_hmac(self.api_secret, path + query + md5)}"

    async def _record_link(self, request: Request) -> Response:
        recorded = await self.record(request)
        await self.pause()
        if self.fail_status is not None:
            return error(self.fail_status, "Service unavailable")
        params = dict(recorded.query)
        if recorded.headers.get("authorization") != self.authorization(RECORD_PATH, params):
            return error(401, "Not authorized")
        if params.get("format") != "json":
            return error(400, "Wrong format")
        call_id = params.get("call_id", "")
        if call_id not in self.recordings:
            return error(404, "Record not found")
        token = f"{next(_ids)}-{secrets.token_urlsafe(12)}"
        self._links[token] = call_id
        link = f"{self.url}/records/{token}"
        return JSONResponse({"status": "success", "link": link, "lifetime_till": "2099-01-01"})

    async def _download(self, request: Request) -> Response:
        await self.record(request)
        call_id = self._links.get(request.path_params["token"])
        if call_id is None:
            return Response(b"", status_code=404)
        return Response(self.recordings[call_id], media_type="audio/ogg")
