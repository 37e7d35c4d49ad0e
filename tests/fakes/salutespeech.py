"""A local Sber SaluteSpeech: the OAuth host and the REST API on one server (docs/protocols.md).

Faithful where the doc is sure: the Basic key sent as is, a `RqUID` uuid, `scope` values and
the gateway's `{"code", "message"}` errors; `expires_at` in epoch milliseconds; Bearer checks;
2 MB / 1 minute on sync recognition (413); upload -> task (NEW, RUNNING, DONE over successive
polls) -> download with durations as "0.640s". Audio is not decoded: OGG must start with
`OggS` and lasts what its last granule position says; other audio lasts `audio_seconds`.

Knobs: `transcript`, `fail_next(503, times=2, route="api" | "oauth" | "task:get"...)`,
`revoke_tokens()` (next API call: 401), `task_outcome = "ERROR"`, `task_polls`, `delay`,
`token_lifetime` and `clock`. Inspect `oauth_calls`, `api_requests("speech:recognize")`.
"""

from __future__ import annotations

import re
import struct
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeService, RecordedRequest

OAUTH_PATH = "/api/v2/oauth"
API_PATH = "/rest/v1"
SCOPES = ("SALUTE_SPEECH_PERS", "SALUTE_SPEECH_CORP", "SALUTE_SPEECH_B2B", "SBER_SPEECH")
RQUID = re.compile(r"[0-9a-fA-F-]{36}")
SYNC_MAX_BYTES = 2 * 1024 * 1024
SYNC_MAX_SECONDS = 60.0
ENCODINGS = {"OPUS": "audio/ogg;codecs=opus", "MP3": "audio/mpeg", "FLAC": "audio/flac"}
ENCODINGS |= {"PCM_S16LE": "audio/x-pcm", "ALAW": "audio/pcma", "MULAW": "audio/pcmu"}
LANGUAGES = ("ru-RU", "en-US", "kk-KZ")


def gateway_error(status: int, code: int, message: str) -> JSONResponse:
    """The OAuth gateway's error body: `{"code": 6, "message": "..."}`."""
    return JSONResponse({"code": code, "message": message}, status_code=status)


def api_error(status: int, message: str) -> JSONResponse:
    """The REST API's error body (shape unverified, see the doc): `{"status", "message"}`."""
    return JSONResponse({"status": status, "message": message}, status_code=status)


def seconds(value: float) -> str:
    """A protobuf duration as SaluteSpeech writes it: `0.640s`."""
    return f"{value:.3f}s"


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@dataclass
class Task:
    id: str
    transcript: str
    outcome: str
    polls_left: int
    created_at: str = field(default_factory=lambda: _now())
    status: str = "NEW"
    response_file_id: str | None = None


class FakeSaluteSpeech(FakeService):
    """OAuth at `oauth_url`, the REST API at `api_url`; `transcript` is what is "heard"."""

    def __init__(
        self,
        auth_key: str = "fake-salute-key",
        scopes: tuple[str, ...] = ("SALUTE_SPEECH_PERS",),
        token_lifetime: float = 1800.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        api = [
            ("speech:recognize", "POST", self._recognize),
            ("data:upload", "POST", self._upload),
            ("speech:async_recognize", "POST", self._async_recognize),
            ("task:get", "GET", self._task_get),
            ("data:download", "GET", self._download),
        ]
        routes = [Route(OAUTH_PATH, self._oauth, methods=["POST"])]
        routes += [
            Route(f"{API_PATH}/{name}", self._api(name, h), methods=[m]) for name, m, h in api
        ]
        super().__init__(routes)
        self.auth_key, self.scopes, self.token_lifetime = auth_key, scopes, token_lifetime
        self.clock = clock
        self.transcript = "Привет, запишите меня на завтра в десять."
        self.audio_seconds: float | None = None
        self.task_outcome = "DONE"
        self.task_polls = 2  # polls answered NEW, RUNNING... before the outcome
        self.tokens: dict[str, float] = {}  # token -> expiry, epoch seconds
        self.files: dict[str, tuple[str, bytes]] = {}
        self.tasks: dict[str, Task] = {}
        self.results: dict[str, Task] = {}
        self._failures: list[list[Any]] = []  # [route, status, times left]

    @property
    def oauth_url(self) -> str:
        return f"{self.url}{OAUTH_PATH}"

    @property
    def api_url(self) -> str:
        return f"{self.url}{API_PATH}"

    @property
    def oauth_calls(self) -> int:
        return len(self.api_requests("oauth"))

    def api_requests(self, name: str | None = None) -> list[RecordedRequest]:
        """Requests to one method (`"speech:recognize"`, `"oauth"`), or all API calls."""
        if name == "oauth":
            return [r for r in self.requests if r.path == OAUTH_PATH]
        api = [r for r in self.requests if r.path.startswith(API_PATH)]
        return [r for r in api if name is None or r.path == f"{API_PATH}/{name}"]

    def fail_next(self, status: int, times: int = 1, route: str = "api") -> None:
        """The next `times` calls to `route` ("api", "oauth" or a method name) get `status`."""
        self._failures.append([route, status, times])

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def _forced(self, route: str) -> int | None:
        for failure in self._failures:
            name, status, _ = failure
            if name == route or (name == "api" and route != "oauth"):
                failure[2] -= 1
                if failure[2] <= 0:
                    self._failures.remove(failure)
                return int(status)
        return None

    async def _oauth(self, request: Request) -> Response:
        recorded = await self.record(request)
        await self.pause()
        if (status := self._forced("oauth")) is not None:
            return gateway_error(status, status, "forced failure")
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme != "Basic" or not key:
            return gateway_error(401, 4, "Can't decode 'Authorization' header")
        if not RQUID.fullmatch(request.headers.get("rquid", "")):
            return gateway_error(400, 400, "RqUID header is missing or malformed")  # unverified
        if key != self.auth_key:
            return gateway_error(401, 6, "credentials doesn't match db data")
        scope = parse_qs(recorded.body.decode()).get("scope", [""])[0]
        if not scope:
            return gateway_error(400, 5, "scope is empty")
        if scope not in SCOPES:
            return gateway_error(400, 1, "scope data format invalid")
        if scope not in self.scopes:
            return gateway_error(401, 7, "scope from db not fully includes consumed scope")
        token = f"fake-salute-token-{uuid.uuid4()}"
        self.tokens[token] = self.clock() + self.token_lifetime
        return JSONResponse({"access_token": token, "expires_at": int(self.tokens[token] * 1000)})

    def _api(self, name: str, handler: Callable[..., Any]) -> Callable[[Request], Any]:
        """Record, delay, forced failures and the Bearer check around every API method."""

        async def endpoint(request: Request) -> Response:
            recorded = await self.record(request)
            await self.pause()
            if (status := self._forced(name)) is not None:
                response = api_error(status, "forced failure")
            else:
                scheme, _, token = request.headers.get("authorization", "").partition(" ")
                expiry = self.tokens.get(token) if scheme == "Bearer" else None
                if expiry is None or expiry <= self.clock():
                    response = api_error(401, "Unauthorized")
                else:
                    response = await handler(request, recorded)
            response.headers["X-Request-ID"] = request.headers.get("x-request-id", "")
            return response

        return endpoint

    async def _recognize(self, request: Request, recorded: RecordedRequest) -> Response:
        content_type = request.headers.get("content-type", "").replace(" ", "").lower()
        refusal = self._check_audio(content_type, recorded.body)
        if refusal is not None:
            return refusal
        if request.query_params.get("language", "ru-RU") not in LANGUAGES:
            return api_error(400, "unsupported language")
        length = self._length(content_type, recorded.body)
        if len(recorded.body) > SYNC_MAX_BYTES or (length or 0) > SYNC_MAX_SECONDS:
            return api_error(413, "audio is larger than 2 MB or longer than 1 minute")
        emotions = [{"negative": 0.02, "neutral": 0.9, "positive": 0.08}]
        body = {"result": sentences(self.transcript), "emotions": emotions, "status": 200}
        return JSONResponse(body)

    def _check_audio(self, content_type: str, audio: bytes) -> Response | None:
        base = content_type.split(";")[0]
        known = content_type if content_type.startswith("audio/ogg") else base
        if known not in ENCODINGS.values():
            return api_error(400, "unsupported Content-Type")
        if base in ("audio/x-pcm", "audio/pcma", "audio/pcmu") and "rate=" not in content_type:
            return api_error(400, "rate is required for raw audio")
        if base == "audio/ogg" and not audio.startswith(b"OggS"):
            return api_error(400, "invalid OGG stream")
        return None

    def _length(self, content_type: str, audio: bytes) -> float | None:
        if self.audio_seconds is not None:
            return self.audio_seconds
        return ogg_seconds(audio) if content_type.startswith("audio/ogg") else None

    async def _upload(self, request: Request, recorded: RecordedRequest) -> Response:
        file_id = str(uuid.uuid4())
        self.files[file_id] = (request.headers.get("content-type", ""), recorded.body)
        return JSONResponse({"status": 200, "result": {"request_file_id": file_id}})

    async def _async_recognize(self, request: Request, recorded: RecordedRequest) -> Response:
        try:
            body = recorded.json()
            options, file_id = body["options"], body["request_file_id"]
        except (ValueError, KeyError, TypeError):
            return api_error(400, "bad request body")
        if file_id not in self.files:
            return api_error(400, "unknown request_file_id")
        encoding = options.get("audio_encoding")
        if encoding not in ENCODINGS:
            return api_error(400, "unsupported audio_encoding")
        if encoding in ("PCM_S16LE", "ALAW", "MULAW") and not options.get("sample_rate"):
            return api_error(400, "sample_rate is required")
        task = Task(str(uuid.uuid4()), self.transcript, self.task_outcome, self.task_polls)
        self.tasks[task.id] = task
        return JSONResponse({"status": 200, "result": _task_view(task)})

    async def _task_get(self, request: Request, recorded: RecordedRequest) -> Response:
        task = self.tasks.get(request.query_params.get("id", ""))
        if task is None:
            return api_error(404, "task not found")
        if task.status not in ("DONE", "ERROR", "CANCELED"):
            task.status = "NEW" if task.polls_left == self.task_polls else "RUNNING"
            if task.polls_left <= 0:
                task.status = task.outcome
                if task.outcome == "DONE":
                    task.response_file_id = str(uuid.uuid4())
                    self.results[task.response_file_id] = task
            task.polls_left -= 1
        return JSONResponse({"status": 200, "result": _task_view(task)})

    async def _download(self, request: Request, recorded: RecordedRequest) -> Response:
        task = self.results.get(request.query_params.get("response_file_id", ""))
        if task is None:
            return api_error(404, "file not found")
        return JSONResponse(chunks(task.transcript))


def _task_view(task: Task) -> dict[str, Any]:
    view = {"id": task.id, "created_at": task.created_at, "updated_at": _now()}
    view |= {"status": task.status}
    return view | ({"response_file_id": task.response_file_id} if task.response_file_id else {})


def _now() -> str:
    return datetime.now(UTC).isoformat()


def chunks(transcript: str) -> list[dict[str, Any]]:
    """`data:download`'s utterances: one per sentence, raw `text` and `normalized_text`."""
    found, start = [], 0.64
    for sentence in sentences(transcript):
        end = start + 0.3 * len(sentence.split())
        raw = re.sub(r"[^\w\s-]", "", sentence).lower()
        span = {"start": seconds(start), "end": seconds(end)}
        result = {"text": raw, "normalized_text": sentence, **span, "word_alignments": []}
        audio = {"processed_audio_start": span["start"], "processed_audio_end": span["end"]}
        emotions = {"positive": 0.1, "neutral": 0.85, "negative": 0.05}
        speaker = {"speaker_id": -1, "main_speaker_confidence": 1}
        found.append(
            {"results": [result], "eou": True, "emotions_result": emotions, **audio}
            | {"channel": 0, "speaker_info": speaker, "eou_reason": "ORGANIC"}
        )
        start = end + 0.5
    return found


def ogg_seconds(data: bytes) -> float | None:
    """The length of an OGG Opus stream from its last page's granule position."""
    last = data.rfind(b"OggS")
    if last < 0 or len(data) < last + 14:
        return None
    granule = struct.unpack_from("<q", data, last + 6)[0]
    return max(0, granule - 312) / 48000
