"""Webhook deliveries over HTTP (core.webhooks.model.WebhookTransport): one POST, a short
timeout, no redirects followed, and the target's addresses checked before connecting
(core.webhooks.urls: private networks refused unless allowed).

The connection goes to the address that was checked (the request names the host in its
Host header and, for https, in SNI), so a name that resolves to a public address when
checked and to a private one a moment later cannot slip through.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from urllib.parse import urlsplit

import httpx

from core.webhooks.model import Response
from core.webhooks.policy import EXCERPT, TIMEOUT_SECONDS
from core.webhooks.urls import check_url, refused

log = logging.getLogger(__name__)


class HttpWebhookTransport:
    def __init__(
        self,
        allow_private: bool = False,
        timeout: float = TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._timeout = timeout
        self._transport = transport

    async def post(self, url: str, body: str, headers: dict[str, str]) -> Response:
        try:
            url = check_url(url, self._allow_private)
        except ValueError:
            return Response(None, "refused: not an allowed URL")
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = await _resolve(host, port)
        except OSError:
            return Response(None, "error: the host name does not resolve")
        if refused(addresses, self._allow_private):
            log.warning("webhook target refused: not a public address")
            return Response(None, "refused: not a public address")
        return await self._post(url, addresses[0], body, headers)

    async def _post(self, url: str, address: str, body: str, headers: dict[str, str]) -> Response:
        parts = urlsplit(url)
        pinned = _with_address(url, address)
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        sent = {**headers, "Host": parts.netloc.rsplit("@", 1)[-1]}
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, follow_redirects=False, transport=self._transport
            ) as client:
                request = client.build_request(
                    "POST", pinned, content=body.encode(), headers=sent, extensions=extensions
                )
                answer = await client.send(request)
        except httpx.TimeoutException:
            return Response(None, "error: timed out")
        except httpx.HTTPError as error:
            return Response(None, f"error: {type(error).__name__}")
        return Response(answer.status_code, answer.text[:EXCERPT])


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


def _with_address(url: str, address: str) -> str:
    parts = urlsplit(url)
    shown = f"[{address}]" if ":" in address else address
    netloc = shown if parts.port is None else f"{shown}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()
