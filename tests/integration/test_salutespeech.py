"""HttpSaluteSpeech against the local SaluteSpeech fake over real HTTP (and HTTPS)."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import logging
import re
import ssl
import struct
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from core.errors import ExternalServiceError
from core.ports import SpeechRecognizer
from integrations.salutespeech import HttpSaluteSpeech, salute_http_client, salute_ssl_context
from tests.fakes.salutespeech import FakeSaluteSpeech

KEY = base64.b64encode(b"client-id:client-secret").decode()
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")


class Clock:
    """Epoch seconds that move only when told to; shared by the adapter and the fake."""

    def __init__(self) -> None:
        self.now = 1_767_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def salute(clock) -> AsyncIterator[FakeSaluteSpeech]:
    async with FakeSaluteSpeech(auth_key=KEY, clock=clock) as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=2.0) as client:
        yield client


def adapter(client, salute, clock, auth_key=KEY, **options) -> HttpSaluteSpeech:
    urls = {"oauth_url": salute.oauth_url, "api_url": salute.api_url}
    return HttpSaluteSpeech(client, auth_key, clock=clock, poll_interval=0.01, **urls, **options)


@pytest.fixture
def speech(client, salute, clock) -> SpeechRecognizer:
    return adapter(client, salute, clock)


def ogg_opus(duration: float) -> bytes:
    """A valid OGG Opus stream of silence in 20 ms frames, like a Telegram voice note."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 7) + b"astracm" + struct.pack("<I", 0)
    pages = [ogg_page([head], 0, 0, 0x02), ogg_page([tags], 0, 1, 0)]
    frames = max(1, round(duration * 50))
    for first in range(0, frames, 50):
        count = min(50, frames - first)
        flags = 0x04 if first + count >= frames else 0
        granule = 312 + (first + count) * 960
        pages.append(ogg_page([b"\xf8\xff\xfe"] * count, granule, len(pages), flags))
    return b"".join(pages)


def ogg_page(packets: list[bytes], granule: int, sequence: int, flags: int) -> bytes:
    lacing = b"".join(bytes([255] * (len(p) // 255) + [len(p) % 255]) for p in packets)
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, 1, sequence, 0, len(lacing))
    page = bytearray(header + lacing + b"".join(packets))
    crc = 0
    for byte in page:  # Ogg's CRC-32: polynomial 0x04C11DB7, no reflection, zero start
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else crc << 1
    page[22:26] = struct.pack("<I", crc)
    return bytes(page)


VOICE = ogg_opus(3.0)


async def test_short_voice_note_is_recognized_synchronously(speech, salute):
    salute.transcript = "Привет. Запишите меня на завтра в десять!"
    assert await speech.recognize(VOICE, "audio/ogg", "ru", 3.0) == salute.transcript
    oauth, recognize = salute.requests
    assert oauth.headers["authorization"] == f"Basic {KEY}"  # the key as given, not re-encoded
    assert UUID.fullmatch(oauth.headers["rquid"])
    assert oauth.headers["content-type"] == "application/x-www-form-urlencoded"
    assert oauth.body == b"scope=SALUTE_SPEECH_PERS"
    assert recognize.path == "/rest/v1/speech:recognize"
    assert recognize.query == {"language": "ru-RU"}
    assert recognize.headers["content-type"] == "audio/ogg;codecs=opus"
    assert recognize.headers["authorization"].startswith("Bearer fake-salute-token-")
    assert UUID.fullmatch(recognize.headers["x-request-id"])
    assert recognize.body == VOICE


async def test_every_call_carries_a_fresh_rquid(speech, salute):
    await speech.recognize(VOICE, "audio/ogg", "en-US", None)
    await speech.recognize(ogg_opus(75), "audio/ogg", "ru", 75)
    ids = [r.headers.get("rquid", "") for r in salute.requests]
    assert len(salute.requests) == 8  # oauth, recognize, upload, task, 3 polls, download
    assert all(UUID.fullmatch(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert salute.api_requests("speech:recognize")[0].query == {"language": "en-US"}


async def test_the_token_is_reused_until_a_minute_before_it_expires(speech, salute, clock):
    await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    clock.now += 1800 - 61
    await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    assert salute.oauth_calls == 1
    clock.now += 2  # 59 s before expiry: renew first
    await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    assert salute.oauth_calls == 2
    assert len(salute.api_requests("speech:recognize")) == 3


async def test_a_token_that_expired_early_is_renewed_once(speech, salute):
    await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    salute.revoke_tokens()
    assert await speech.recognize(VOICE, "audio/ogg", "ru", 3) == salute.transcript
    assert salute.oauth_calls == 2
    assert len(salute.api_requests("speech:recognize")) == 3  # ok, 401, ok


async def test_a_second_401_is_not_retried_again(speech, salute):
    salute.fail_next(401, times=5)
    with pytest.raises(ExternalServiceError) as raised:
        await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    assert (raised.value.service, raised.value.retryable) == ("salutespeech", False)
    assert salute.oauth_calls == 2
    assert len(salute.api_requests("speech:recognize")) == 2


async def test_concurrent_calls_share_one_token_request(speech, salute):
    salute.delay = 0.05
    results = await asyncio.gather(
        *(speech.recognize(VOICE, "audio/ogg", "ru", 3) for _ in range(5))
    )
    assert set(results) == {salute.transcript}
    assert salute.oauth_calls == 1


async def test_long_audio_takes_the_async_route(speech, salute):
    salute.transcript = "Первое предложение. Второе, с запятой. Третье?"
    audio = ogg_opus(75)
    assert await speech.recognize(audio, "audio/ogg", "ru", 75.0) == salute.transcript
    paths = [r.path.removeprefix("/rest/v1/") for r in salute.api_requests()]
    assert paths == ["data:upload", "speech:async_recognize", *["task:get"] * 3, "data:download"]
    upload, task = salute.api_requests("data:upload")[0], salute.api_requests()[1]
    assert upload.body == audio
    assert upload.headers["content-type"] == "audio/ogg;codecs=opus"
    assert task.json()["options"] == {"audio_encoding": "OPUS", "language": "ru-RU"}
    assert task.json()["request_file_id"] in salute.files


async def test_more_than_two_megabytes_takes_the_async_route(speech, salute):
    audio = b"\xff\xfb" + bytes(2 * 1024 * 1024)
    assert await speech.recognize(audio, "audio/mpeg", "ru", 30) == salute.transcript
    assert not salute.api_requests("speech:recognize")
    assert (
        salute.api_requests("speech:async_recognize")[0].json()["options"]["audio_encoding"]
        == "MP3"
    )


async def test_unknown_length_falls_back_to_async_when_the_service_says_too_long(speech, salute):
    assert await speech.recognize(ogg_opus(90), "audio/ogg", "ru", None) == salute.transcript
    assert len(salute.api_requests("speech:recognize")) == 1
    assert len(salute.api_requests("data:download")) == 1


async def test_wav_sends_its_sample_rate(speech, salute):
    wav = (
        b"RIFF" + bytes(4) + b"WAVEfmt " + struct.pack("<IHHII", 16, 1, 1, 8000, 16000) + bytes(8)
    )
    salute.audio_seconds = 75
    await speech.recognize(wav, "audio/wav", "ru", None)
    assert salute.api_requests("speech:recognize")[0].headers["content-type"] == (
        "audio/x-pcm;bit=16;rate=8000"
    )
    options = salute.api_requests("speech:async_recognize")[0].json()["options"]
    assert options | {"sample_rate": 8000, "channels_count": 1} == options


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(429, True), (500, True), (503, True), (400, False), (403, False), (404, False)],
)
async def test_error_mapping(speech, salute, status, retryable):
    salute.fail_next(status)
    with pytest.raises(ExternalServiceError) as raised:
        await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    assert raised.value.retryable is retryable
    assert str(status) in raised.value.reason


async def test_failures_then_success(speech, salute):
    salute.fail_next(503, times=2)
    for _ in range(2):
        with pytest.raises(ExternalServiceError):
            await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    assert await speech.recognize(VOICE, "audio/ogg", "ru", 3) == salute.transcript
    assert salute.oauth_calls == 1  # a failed call does not cost the token


@pytest.mark.parametrize(
    ("options", "fault"),
    [
        ({"auth_key": "d3Jvbmc6a2V5"}, "HTTP 401"),
        ({"scope": "SALUTE_SPEECH_CORP"}, "HTTP 401"),
        ({"scope": "NOPE"}, "HTTP 400"),
    ],
)
async def test_bad_credentials_or_scope_are_not_retryable(client, salute, clock, options, fault):
    speech = adapter(client, salute, clock, **options)
    with pytest.raises(ExternalServiceError) as raised:
        await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    assert (raised.value.reason, raised.value.retryable) == (f"oauth: {fault}", False)
    assert not salute.api_requests()


async def test_a_failed_task_is_not_retryable(speech, salute):
    salute.task_outcome = "ERROR"
    with pytest.raises(ExternalServiceError) as raised:
        await speech.recognize(ogg_opus(75), "audio/ogg", "ru", 75)
    assert (raised.value.reason, raised.value.retryable) == ("task ERROR", False)


async def test_a_task_that_never_ends_times_out(client, salute, clock):
    salute.task_polls = 10_000
    speech = adapter(client, salute, clock, poll_timeout=0.1)
    with pytest.raises(ExternalServiceError) as raised:
        await speech.recognize(ogg_opus(75), "audio/ogg", "ru", 75)
    assert (raised.value.reason, raised.value.retryable) == ("task timed out", True)


async def test_timeouts_and_refused_connections_are_retryable(salute, clock):
    async with httpx.AsyncClient(timeout=0.2) as client:
        salute.delay = 5
        with pytest.raises(ExternalServiceError) as raised:
            await adapter(client, salute, clock).recognize(VOICE, "audio/ogg", "ru", 3)
        assert (raised.value.reason, raised.value.retryable) == ("oauth: timeout", True)
        speech = HttpSaluteSpeech(client, KEY, oauth_url="http://127.0.0.1:9/api/v2/oauth")
        with pytest.raises(ExternalServiceError) as raised:
            await speech.recognize(VOICE, "audio/ogg", "ru", 3)
        assert raised.value.retryable


async def test_unsupported_audio_is_refused_without_a_request(speech, salute):
    with pytest.raises(ExternalServiceError) as raised:
        await speech.recognize(b"GIF89a", "image/gif", "ru", 3)
    assert not raised.value.retryable
    assert not salute.requests


async def test_logs_hold_no_transcript_key_or_token(speech, salute, caplog):
    caplog.set_level(logging.DEBUG)
    salute.transcript = "Мой номер +7 916 123 45 67"
    await speech.recognize(ogg_opus(75), "audio/ogg", "ru", None)
    salute.fail_next(500)
    with pytest.raises(ExternalServiceError):
        await speech.recognize(VOICE, "audio/ogg", "ru", 3)
    # The number in any of its spellings; not bare "916", which a random request id or port
    # in the peer's debug lines may contain.
    for forbidden in ("916 123", "123 45 67", "9161234567", KEY, "fake-salute-token"):
        assert forbidden not in caplog.text


# TLS: a test root CA stands in for the Russian Trusted Root CA.


def certificates(tmp_path) -> tuple[str, str, str]:
    """(CA bundle, server certificate, server key) as PEM files for 127.0.0.1."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    usage = dict.fromkeys(("content_commitment", "key_encipherment", "data_encipherment"), False)
    usage |= dict.fromkeys(("key_agreement", "encipher_only", "decipher_only"), False)
    ca_usage = x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, **usage)
    ca = certificate("Test Trusted Root CA", ca_key, ca_key, ca_usage, ski, ca=True)
    names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
    leaf = certificate(
        "127.0.0.1", key, ca_key, x509.SubjectAlternativeName(names),
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
        x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
    )  # fmt: skip
    pem, pkcs8 = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    files = (tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key")
    files[0].write_bytes(ca.public_bytes(pem))
    files[1].write_bytes(leaf.public_bytes(pem))
    files[2].write_bytes(key.private_bytes(pem, pkcs8, serialization.NoEncryption()))
    return str(files[0]), str(files[1]), str(files[2])


def certificate(subject, key, ca_key, *extensions, ca=False) -> x509.Certificate:
    """A certificate for `key`, issued by the test CA (or by itself, when `ca`)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer = (
        name
        if ca
        else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Trusted Root CA")])
    )
    now = datetime.now(UTC)
    builder = x509.CertificateBuilder(issuer, name, key.public_key(), x509.random_serial_number())
    # Two days either side: valid whatever hour this process's clock was moved to (OpenSSL
    # checks against the machine's clock, which `--wall-clock` does not move).
    builder = builder.not_valid_before(now - timedelta(days=2)).not_valid_after(
        now + timedelta(days=2)
    )
    builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    for extension in extensions:
        critical = isinstance(extension, x509.KeyUsage)
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(ca_key, hashes.SHA256())


class HttpsFakeSaluteSpeech(FakeSaluteSpeech):
    """The same fake behind TLS (uvicorn's ssl_certfile / ssl_keyfile), in the test's loop."""

    def __init__(self, certfile: str, keyfile: str, **options) -> None:
        super().__init__(**options)
        self.tls = {"ssl_certfile": certfile, "ssl_keyfile": keyfile, "http": "h11"}
        self.tls |= {"lifespan": "off", "log_level": "warning", "log_config": None}

    @property
    def url(self) -> str:
        return super().url.replace("http://", "https://")

    async def start(self) -> None:
        self._closing = asyncio.Event()
        config = uvicorn.Config(self.app, host=self.host, port=self.port, **self.tls)
        config.load()
        server = uvicorn.Server(config)
        server.lifespan = config.lifespan_class(config)
        await server.startup()
        self._server = server
        self.port = int(server.servers[0].sockets[0].getsockname()[1])


async def test_the_given_ca_bundle_is_trusted_and_nothing_else(tmp_path, clock):
    ca_bundle, certfile, keyfile = certificates(tmp_path)
    async with HttpsFakeSaluteSpeech(certfile, keyfile, auth_key=KEY, clock=clock) as salute:
        async with salute_http_client(ca_bundle, timeout=5.0) as client:
            transcript = await adapter(client, salute, clock).recognize(
                VOICE, "audio/ogg", "ru", 3
            )
        assert transcript == salute.transcript
        assert salute.url.startswith("https://")
        async with salute_http_client(None, timeout=5.0) as client:
            with pytest.raises(ExternalServiceError) as raised:
                await adapter(client, salute, clock).recognize(VOICE, "audio/ogg", "ru", 3)
        assert raised.value.retryable is False
        assert "TLS certificate not trusted" in raised.value.reason


def test_ssl_context_loads_the_bundle(tmp_path):
    ca_bundle, _, _ = certificates(tmp_path)
    subjects = [
        dict(x[0] for x in c["subject"]) for c in salute_ssl_context(ca_bundle).get_ca_certs()
    ]
    assert {"commonName": "Test Trusted Root CA"} in subjects
    assert salute_ssl_context(ca_bundle).verify_mode == ssl.CERT_REQUIRED
    with pytest.raises(FileNotFoundError):
        salute_ssl_context(str(tmp_path / "missing.pem"))
