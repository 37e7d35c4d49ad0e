"""Speech recognition with Sber SaluteSpeech over REST, see docs/protocols.md, SaluteSpeech.

Short audio (at most 2 MB and 1 minute) goes to synchronous `speech:recognize`; anything
longer takes the asynchronous route: `data:upload`, `speech:async_recognize`, polling
`task:get`, then `data:download`. Access tokens come from a separate OAuth host, live 30
minutes and are shared by concurrent calls. Sber's hosts chain to the Russian Trusted Root
CA, which default trust stores lack: `salute_http_client(ca_bundle)` builds a client that
trusts it. Transcripts, audio, tokens and the key are never logged, only statuses and types.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from core.errors import ExternalServiceError

log = logging.getLogger(__name__)

SERVICE = "salutespeech"
DEFAULT_OAUTH_URL = "https://ngw.devices.sberbank.ru:9443/api/v2/oauth"
DEFAULT_API_URL = "https://smartspeech.sber.ru/rest/v1"
SYNC_MAX_BYTES = 2 * 1024 * 1024
SYNC_MAX_SECONDS = 60.0
REFRESH_MARGIN = 60.0  # seconds before `expires_at` when a token is renewed
LANGUAGES = {"ru": "ru-RU", "en": "en-US", "kk": "kk-KZ"}
FINISHED = frozenset({"DONE", "ERROR", "CANCELED"})


@dataclass(frozen=True, slots=True)
class AudioFormat:
    """How SaluteSpeech is told about the audio: a Content-Type and an async encoding."""

    content_type: str
    encoding: str
    sample_rate: int | None = None


OPUS = AudioFormat("audio/ogg;codecs=opus", "OPUS")
MP3 = AudioFormat("audio/mpeg", "MP3")
FLAC = AudioFormat("audio/flac", "FLAC")
FORMATS = {
    "audio/ogg": OPUS,
    "audio/opus": OPUS,
    "audio/mpeg": MP3,
    "audio/mp3": MP3,
    "audio/flac": FLAC,
    "audio/x-flac": FLAC,
    "audio/pcma": AudioFormat("audio/pcma;rate=8000", "ALAW", 8000),
    "audio/pcmu": AudioFormat("audio/pcmu;rate=8000", "MULAW", 8000),
}
PCM_TYPES = frozenset({"audio/x-pcm", "audio/l16", "audio/wav", "audio/x-wav", "audio/wave"})


def salute_ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """The system's trusted roots plus, when given, the PEM file with the Russian root CA."""
    context = ssl.create_default_context()
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


def salute_http_client(ca_bundle: str | None, timeout: float = 60.0) -> httpx.AsyncClient:
    """An httpx client for both SaluteSpeech hosts (OAuth and REST)."""
    return httpx.AsyncClient(verify=salute_ssl_context(ca_bundle), timeout=timeout)


class HttpSaluteSpeech:
    """`core.ports.SpeechRecognizer` over SaluteSpeech's REST API with a shared client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        auth_key: str,
        scope: str = "SALUTE_SPEECH_PERS",
        oauth_url: str = DEFAULT_OAUTH_URL,
        api_url: str = DEFAULT_API_URL,
        clock: Callable[[], float] | None = None,
        poll_interval: float = 1.0,
        poll_timeout: float = 600.0,
    ) -> None:
        self._client = client
        self._auth_key = auth_key
        self._scope = scope
        self._oauth_url = oauth_url
        self._api_url = api_url.rstrip("/")
        self._clock = clock or time.time
        self._poll_interval = poll_interval
        self._poll_timeout = poll_timeout
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def recognize(
        self, audio: bytes, mime_type: str, language: str, duration_seconds: float | None
    ) -> str:
        """The transcript; sync when small and short enough, else the async task route."""
        audio_format = audio_format_for(mime_type, audio)
        lang = _language(language)
        short = duration_seconds is None or duration_seconds <= SYNC_MAX_SECONDS
        if short and len(audio) <= SYNC_MAX_BYTES:
            transcript = await self._recognize_sync(audio, audio_format, lang)
            if transcript is not None:
                return transcript
        return await self._recognize_async(audio, audio_format, lang)

    async def _recognize_sync(self, audio: bytes, fmt: AudioFormat, lang: str) -> str | None:
        """The transcript, or None when the service finds the audio too long (413)."""
        response = await self._api(
            "POST", "speech:recognize", params={"language": lang}, content=audio, fmt=fmt
        )
        if response.status_code == httpx.codes.REQUEST_ENTITY_TOO_LARGE:
            log.info("SaluteSpeech: audio too long for sync recognition, using a task")
            return None
        result = _decode(response, "recognize")
        if not isinstance(result, list) or not all(isinstance(s, str) for s in result):
            raise _unexpected("recognize")
        return " ".join(s.strip() for s in result if s.strip())

    async def _recognize_async(self, audio: bytes, fmt: AudioFormat, lang: str) -> str:
        upload = await self._api("POST", "data:upload", content=audio, fmt=fmt)
        file_id = _field(_decode(upload, "upload"), "request_file_id", "upload")
        options: dict[str, Any] = {"audio_encoding": fmt.encoding, "language": lang}
        if fmt.sample_rate is not None:
            options |= {"sample_rate": fmt.sample_rate, "channels_count": 1}
        body = {"options": options, "request_file_id": file_id}
        task = await self._api("POST", "speech:async_recognize", json=body)
        task_id = _field(_decode(task, "async_recognize"), "id", "async_recognize")
        response_file_id = await self._wait(task_id)
        download = await self._api(
            "GET", "data:download", params={"response_file_id": response_file_id}
        )
        return transcript_of_chunks(_decode(download, "download"))

    async def _wait(self, task_id: str) -> str:
        """Poll `task:get` until the task ends; its `response_file_id` when DONE."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._poll_timeout
        while True:
            response = await self._api("GET", "task:get", params={"id": task_id})
            result = _decode(response, "task")
            status = _field(result, "status", "task")
            if status == "DONE":
                return _field(result, "response_file_id", "task")
            if status in FINISHED:
                log.warning("SaluteSpeech task ended with %s", status)
                raise ExternalServiceError(SERVICE, f"task {status}", retryable=False)
            if loop.time() >= deadline:
                raise ExternalServiceError(SERVICE, "task timed out", retryable=True)
            await asyncio.sleep(self._poll_interval)

    async def _api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send with a Bearer token; on a 401 renew the token once and send again."""
        response, token = await self._authorized(method, path, **kwargs)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            if self._token == token:  # unless a concurrent call has renewed it already
                self._token = None
            response, _ = await self._authorized(method, path, **kwargs)
        return response

    async def _authorized(
        self, method: str, path: str, fmt: AudioFormat | None = None, **kwargs: Any
    ) -> tuple[httpx.Response, str]:
        token = await self._access_token()
        request_id = str(uuid.uuid4())
        headers = {"Authorization": f"Bearer {token}", "RqUID": request_id}
        headers["X-Request-ID"] = request_id
        if fmt is not None:
            headers["Content-Type"] = fmt.content_type
        url = f"{self._api_url}/{path}"
        return await self._send(path, method, url, headers=headers, **kwargs), token

    async def _access_token(self) -> str:
        """The cached token, renewed a minute before it expires; one renewal at a time."""
        async with self._lock:
            if self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN:
                self._token, self._expires_at = await self._fetch_token()
            return self._token

    async def _fetch_token(self) -> tuple[str, float]:
        headers = {
            "Authorization": f"Basic {self._auth_key}",
            "RqUID": str(uuid.uuid4()),
            "Accept": "application/json",
        }
        response = await self._send(
            "oauth", "POST", self._oauth_url, data={"scope": self._scope}, headers=headers
        )
        body = _decode(response, "oauth")
        token, expires_at = body.get("access_token"), body.get("expires_at")
        if not isinstance(token, str) or not token or not isinstance(expires_at, int | float):
            raise _unexpected("oauth")
        return token, expires_at / 1000  # epoch milliseconds

    async def _send(self, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as error:
            log.warning("SaluteSpeech %s failed: %s", what, type(error).__name__)
            raise ExternalServiceError(SERVICE, f"{what}: timeout", retryable=True) from None
        except httpx.HTTPError as error:
            log.warning("SaluteSpeech %s failed: %s", what, type(error).__name__)
            if _untrusted_certificate(error):
                reason = f"{what}: TLS certificate not trusted (is the CA bundle set?)"
                raise ExternalServiceError(SERVICE, reason, retryable=False) from None
            reason = f"{what}: {type(error).__name__}"
            raise ExternalServiceError(SERVICE, reason, retryable=True) from None


def audio_format_for(mime_type: str, audio: bytes = b"") -> AudioFormat:
    """The format for a MIME type (`audio/ogg` of a voice note is OGG Opus); WAV reads its rate."""
    base, _, params = mime_type.lower().replace(" ", "").partition(";")
    if base in FORMATS:
        return FORMATS[base]
    if base not in PCM_TYPES:
        raise ExternalServiceError(SERVICE, "unsupported audio type", retryable=False)
    rate = 16000
    if len(audio) >= 28 and audio[:4] == b"RIFF" and audio[8:12] == b"WAVE":
        rate = int.from_bytes(audio[24:28], "little") or rate  # the WAV header's sample rate
    elif match := re.search(r"(?:^|;)rate=(\d+)", params):
        rate = int(match.group(1))
    return AudioFormat(f"audio/x-pcm;bit=16;rate={rate}", "PCM_S16LE", rate)


def transcript_of_chunks(payload: Any) -> str:
    """`data:download`'s array of utterances: each one's best `normalized_text` (or `text`)."""
    if not isinstance(payload, list):
        raise _unexpected("download")
    texts = []
    for chunk in payload:
        results = chunk.get("results") if isinstance(chunk, dict) else None
        if not isinstance(results, list) or not results or not isinstance(results[0], dict):
            continue
        text = results[0].get("normalized_text") or results[0].get("text")
        if isinstance(text, str) and text.strip():
            texts.append(text.strip())
    return " ".join(texts)


def _language(language: str) -> str:
    """`ru`, `ru_RU`, `en-us` -> `ru-RU`, `en-US`; Russian for anything unknown."""
    code = language.strip().replace("_", "-").split("-")[0].lower()
    return LANGUAGES.get(code, "ru-RU")


def _decode(response: httpx.Response, what: str) -> Any:
    """The JSON body (the `result` of an envelope) of a 200 whose own `status` is 200 too."""
    status = response.status_code
    if status == httpx.codes.OK:
        try:
            body = response.json()
        except ValueError:
            raise _unexpected(what) from None
        if not isinstance(body, dict):
            return body
        status = body.get("status", 200)
        if status == httpx.codes.OK:
            return body.get("result", body)
    log.warning("SaluteSpeech %s failed: HTTP %s", what, status)
    retryable = not isinstance(status, int) or status in (408, 429) or status >= 500
    raise ExternalServiceError(SERVICE, f"{what}: HTTP {status}", retryable=retryable)


def _field(result: Any, name: str, what: str) -> str:
    value = result.get(name) if isinstance(result, dict) else None
    if not isinstance(value, str) or not value:
        raise _unexpected(what)
    return value


def _unexpected(what: str) -> ExternalServiceError:
    log.warning("SaluteSpeech %s failed: unexpected response", what)
    return ExternalServiceError(SERVICE, f"{what}: unexpected response", retryable=True)


def _untrusted_certificate(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
