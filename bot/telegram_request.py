"""The Bot API transport: python-telegram-bot's `BaseRequest` over aiohttp, and the factory
that picks aiohttp or PTB's own httpx one by the TELEGRAM_HTTP_CLIENT setting.

Why: httpx costs about three times aiohttp's CPU per request here and gets slower still with
requests in flight (encode/httpx#3215). Measured end to end (`python -m bench updates`): a
bare PTB bot handles 3-5x the updates/s with aiohttp; our bot, bound by its database work,
answers with roughly half the p50/p95 latency and somewhat higher throughput.

`AiohttpRequest` only moves bytes: it returns (status, body) and `BaseRequest` turns
statuses into BadRequest, RetryAfter (429), Forbidden, InvalidToken and so on, exactly as
for `HTTPXRequest`. Transport failures map the way `HTTPXRequest` maps them: timeouts to
`TimedOut`, other client and socket errors to `NetworkError`, the cause chained.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

if TYPE_CHECKING:
    from bot.settings import Settings

HttpClient = Literal["aiohttp", "httpx"]

DEFAULT_READ_TIMEOUT: Final = 5.0  # PTB's HTTPXRequest defaults, kept for both clients
DEFAULT_WRITE_TIMEOUT: Final = 5.0
DEFAULT_CONNECT_TIMEOUT: Final = 5.0
DEFAULT_POOL_TIMEOUT: Final = 1.0
DEFAULT_MEDIA_WRITE_TIMEOUT: Final = 20.0

# Like httpx (the HTML5 form encoding): a quote and control characters in a file name are
# percent-escaped; aiohttp itself doubles backslashes.
_UNSAFE_IN_FILENAME: Final = re.compile(r'["\x00-\x1a\x1c-\x1f]')

Body = aiohttp.FormData | aiohttp.JsonPayload | None


@dataclass(frozen=True)
class Timeouts:
    """Seconds; None means no limit (as in PTB)."""

    read: float | None = DEFAULT_READ_TIMEOUT
    write: float | None = DEFAULT_WRITE_TIMEOUT
    connect: float | None = DEFAULT_CONNECT_TIMEOUT
    pool: float | None = DEFAULT_POOL_TIMEOUT
    media_write: float | None = DEFAULT_MEDIA_WRITE_TIMEOUT


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session behind PTB's `BaseRequest`.

    Timeouts map to `aiohttp.ClientTimeout` as follows; a per-call value of `DEFAULT_NONE`
    means this instance's default:

    - read → `sock_read`: the longest wait for response bytes once the request is sent;
    - connect → `sock_connect`, and pool + connect → `connect` (aiohttp bounds waiting for a
      free pooled connection and opening one together);
    - write: aiohttp has no write timeout. Small bodies go out at once; for uploads
      (multipart) the whole request gets a `total` of pool + connect + write + read, where
      write defaults to `media_write_timeout` as in `HTTPXRequest`.

    `initialize` opens the session (a no-op while open, a fresh one after `shutdown`);
    `shutdown` closes it and may be called any number of times.
    """

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = DEFAULT_READ_TIMEOUT,
        write_timeout: float | None = DEFAULT_WRITE_TIMEOUT,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT,
        media_write_timeout: float | None = DEFAULT_MEDIA_WRITE_TIMEOUT,
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        """`proxy`: an http:// proxy URL; else, with `trust_env`, HTTP(S)_PROXY / NO_PROXY
        as httpx honours them by default (read once, at `initialize`)."""
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._timeouts = Timeouts(
            read_timeout, write_timeout, connect_timeout, pool_timeout, media_write_timeout
        )
        self._proxy = proxy
        self._trust_env = trust_env
        self._env_proxies: dict[str, str] = {}
        self._proxy_by_origin: dict[tuple[str, str], str | None] = {}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds (see `BaseRequest.read_timeout`)."""
        return self._timeouts.read

    @property
    def connection_pool_size(self) -> int:
        return self._pool_size

    @property
    def timeouts(self) -> Timeouts:
        return self._timeouts

    async def initialize(self) -> None:
        """Open the session; safe to call again, and after `shutdown`."""
        if self._session is not None and not self._session.closed:
            return
        self._env_proxies = getproxies() if self._trust_env else {}
        self._proxy_by_origin.clear()
        # Not aiohttp's trust_env: it costs two thread hops per request (netrc, proxy).
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._pool_size),
            headers={"User-Agent": self.USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def shutdown(self) -> None:
        """Close the session and its connections; a no-op when not open."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; (HTTP status, body) for `BaseRequest` to interpret."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploading = request_data is not None and request_data.contains_files
        timeout = self.client_timeout(
            read_timeout, write_timeout, connect_timeout, pool_timeout, uploading=uploading
        )
        try:
            async with session.request(
                method,
                url,
                data=request_body(request_data),
                timeout=timeout,
                proxy=self.proxy(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise _timed_out(error) from error
        except (aiohttp.ClientError, OSError) as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def proxy(self, url: str) -> str | None:
        """The proxy for `url`: the given one, else from the environment (cached per origin)."""
        if self._proxy is not None or not self._env_proxies:
            return self._proxy
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        if origin not in self._proxy_by_origin:
            bypass = proxy_bypass(parts.hostname or "")
            chosen = None if bypass else self._env_proxies.get(parts.scheme)
            self._proxy_by_origin[origin] = chosen
        return self._proxy_by_origin[origin]

    def client_timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        *,
        uploading: bool,
    ) -> aiohttp.ClientTimeout:
        """PTB's four timeouts (DEFAULT_NONE: this instance's) as an aiohttp ClientTimeout."""
        own = self._timeouts
        read_s = _given(read, own.read)
        connect_s = _given(connect, own.connect)
        pool_s = _given(pool, own.pool)
        write_s = _given(write, own.media_write if uploading else own.write)
        return aiohttp.ClientTimeout(
            total=_sum(pool_s, connect_s, write_s, read_s) if uploading else None,
            connect=_sum(pool_s, connect_s),
            sock_connect=connect_s,
            sock_read=read_s,
        )


def request_body(request_data: RequestData | None) -> Body:
    """Parameters as one JSON object (a call without files), or multipart with files.

    The Bot API takes an `application/json` body with nested objects as they are (keyboards,
    entities). PTB's httpx request url-encodes instead, which quotes the text byte by byte in
    Python: for a Russian message of a few hundred characters that was a tenth of a /help's
    CPU here (docs/cpu-per-update.md, fourth round); `json.dumps` is done in C.
    """
    if request_data is None:
        return None
    if not request_data.contains_files:
        return aiohttp.JsonPayload(request_data.parameters, dumps=_compact_json)
    form = aiohttp.FormData(quote_fields=False)  # UTF-8 file names as-is, like httpx
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        safe_name = _UNSAFE_IN_FILENAME.sub(lambda m: f"%{ord(m.group()):02X}", filename)
        form.add_field(name, content, filename=safe_name, content_type=mime_type)
    return form


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _sum(*seconds: float | None) -> float | None:
    """None (no limit) if any part is unlimited."""
    return None if any(s is None for s in seconds) else sum(s for s in seconds if s is not None)


def _timed_out(error: TimeoutError) -> TimedOut:
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return TimedOut(
            "Connect or pool timeout: no connection to Telegram in time (all pooled "
            "connections busy, or connecting was slow). The request was *not* sent."
        )
    return TimedOut()


def build_request(
    client: HttpClient, pool_size: int, read_timeout: float | None = DEFAULT_READ_TIMEOUT
) -> BaseRequest:
    """A request object of the named client with the same pool size and timeouts."""
    if client == "httpx":
        return HTTPXRequest(connection_pool_size=pool_size, read_timeout=read_timeout)
    if client == "aiohttp":
        return AiohttpRequest(connection_pool_size=pool_size, read_timeout=read_timeout)
    raise ValueError(f"unknown Telegram HTTP client {client!r} (aiohttp or httpx)")


def telegram_request(
    settings: Settings, pool_size: int, read_timeout: float | None = None
) -> BaseRequest:
    """The Bot API request object TELEGRAM_HTTP_CLIENT names; `read_timeout` None: 5 s."""
    timeout = DEFAULT_READ_TIMEOUT if read_timeout is None else read_timeout
    return build_request(settings.telegram_http_client, pool_size, timeout)
