"""Who is calling: signed session cookies with CSRF tokens bound to them, API bearer tokens,
per-client rate limits (the request body size limit is bot/admin/body_limit.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import Request
from starlette.requests import HTTPConnection

from bot.client_ip import client_address
from core.admin.service import AdminService
from core.domain import Actor
from core.errors import DomainError

COOKIE = "astracrm_session"
DEVICE_COOKIE = "astracrm_device"  # the browser's long-lived id: a browser seen before or not
CSRF_FIELD, CSRF_HEADER = "csrf", "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Signer:
    """HMAC-SHA256 with the deployment's SECRET_KEY: cookies and CSRF tokens."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def _mac(self, purpose: str, value: str) -> str:
        digest = hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def mac(self, purpose: str, value: str) -> str:
        """A MAC of `value` for one purpose (a file link), never valid for another."""
        return self._mac(f"x-{purpose}", value)

    def sign(self, token: str) -> str:
        return f"{token}.{self._mac('session', token)}"

    def unsign(self, cookie: str) -> str | None:
        token, _, mac = cookie.rpartition(".")
        if not token or not hmac.compare_digest(mac, self._mac("session", token)):
            return None
        return token

    def csrf(self, session_token: str) -> str:
        return self._mac("csrf", session_token)

    def csrf_ok(self, session_token: str, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given, self.csrf(session_token))


@dataclass
class RateLimiter:
    """At most `limit` hits per `window` seconds per key (the client's address)."""

    limit: int
    window: float = 60.0
    _hits: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle clients rather than grow without bound
            self._hits = {k: v for k, v in self._hits.items() if v}
        return True


class RateLimited(Exception):
    """Too many attempts from one client; answered 429 with Retry-After (seconds)."""

    def __init__(self, retry_after: str = "60") -> None:
        super().__init__("rate_limited")
        self.retry_after = retry_after


def client_key(request: HTTPConnection) -> str:
    """The client's address for per-address limits: the peer, or behind a trusted proxy
    (TRUSTED_PROXIES, kept on `app.state.trusted_proxies`) the one it forwarded for."""
    peer = request.client.host if request.client else None
    trusted = getattr(request.app.state, "trusted_proxies", ())
    return client_address(peer, request.headers.getlist("x-forwarded-for"), trusted)


class SessionForged(DomainError):
    """A session cookie our SECRET_KEY did not sign: answered like any ended session
    (`session_invalid`), and counted, audited and limited per address by the app's handler
    (bot/admin/sign_in.py)."""

    def __init__(self) -> None:
        super().__init__("session_invalid")


def cookie_session(connection: HTTPConnection, signer: Signer) -> str:
    """The session token of the request's signed cookie. No cookie: `session_invalid`; a
    cookie with a wrong signature: `SessionForged`."""
    cookie = connection.cookies.get(COOKIE, "")
    token = signer.unsign(cookie)
    if token is None:
        raise SessionForged() if cookie else DomainError("session_invalid")
    return token


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated request: the member, and the session token when it came by cookie."""

    actor: Actor
    session_token: str | None = None


async def authenticate(
    request: Request, admin: AdminService, signer: Signer, failures: RateLimiter
) -> Caller:
    """Bearer API token first, then the session cookie; unsafe cookie requests need CSRF."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise DomainError("token_invalid")
        try:
            actor = await admin.token_actor(token.strip())
        except DomainError:
            if not failures.allow(client_key(request)):
                raise RateLimited from None
            raise
        remember_language(request, actor)
        return Caller(actor)
    session = cookie_session(request, signer)
    actor = await admin.session_actor(session, client_key(request))
    remember_language(request, actor)
    unsafe = request.method not in SAFE_METHODS
    if unsafe and not signer.csrf_ok(session, request.headers.get(CSRF_HEADER)):
        raise DomainError("csrf_invalid")
    return Caller(actor, session)


def remember_language(request: Request, actor: Actor) -> None:
    """The signed-in person's language, for the problems this request may answer."""
    chosen = actor.user.preferred_language("")
    if chosen:
        request.state.language = chosen
