"""The second factor of the web sign-in (issue 25, item 11): the records and their pure rules.

Sign-in stays the bot's one-time link; a person who added a factor (an authenticator app,
TOTP, or a passkey, WebAuthn) gets a session that is *pending* until they pass it, and an
owner of an organization that requires a factor for owners gets one that may only *set one
up*. A TOTP code is accepted once: its time step must be later than the last one used, so a
replayed code (or an earlier one) is refused within its window. A passkey's signature counter
must grow (or stay zero for authenticators that keep none): a counter that goes backwards is
a cloned key. Recovery codes are random, shown once, stored as SHA-256 and spent once.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

TOTP_STEP_SECONDS = 30
TOTP_DIGITS = 6
TOTP_TOLERANCE = 1  # steps either side of now, for a phone's clock a little off
RECOVERY_CODES = 10
FRESH_MINUTES = 10  # removing a factor needs a factor check no older than this
MAX_FAILURES = 5  # failed codes per person...
FAILURE_MINUTES = 15  # ...in this many minutes; then every code is refused until it passes
CHALLENGE_MINUTES = 5  # a WebAuthn challenge is good this long, and once
FACTOR_NAME_MAX = 60
REQUIRED_SETTING = "second_factor_owners"  # the organization's preference (org_setting)

TOTP_SHAPE = re.compile(r"^\d{6}$")
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
RECOVERY_SHAPE = re.compile(r"^[A-Z0-9]{10}$")


class FactorKind(enum.StrEnum):
    TOTP = "totp"
    PASSKEY = "passkey"


class SessionState(enum.StrEnum):
    FULL = "full"  # every page and the API
    PENDING = "pending"  # only the second-factor page, until a factor is passed
    SETUP = "setup"  # an owner who must add a factor first: only the security page


class Outcome(enum.StrEnum):
    PASSED = "passed"
    WRONG = "wrong"  # a wrong, replayed or unknown code or assertion (audited, counted)
    LIMITED = "limited"  # too many failures lately: refused without looking


@dataclass(frozen=True, slots=True)
class Factor:
    id: int
    user_id: int
    kind: FactorKind
    name: str
    created_at: datetime
    confirmed: bool
    last_used_at: datetime | None = None
    secret: bytes | None = None  # TOTP: the secret, encrypted (never shown after setup)
    last_step: int | None = None  # TOTP: the time step of the last accepted code
    credential_id: str | None = None  # passkey: base64url, as the browser names it
    public_key: bytes | None = None  # passkey: COSE
    sign_count: int = 0


@dataclass(frozen=True, slots=True)
class NewPasskey:
    credential_id: str
    public_key: bytes
    sign_count: int


@dataclass(frozen=True, slots=True)
class Assertion:
    credential_id: str
    sign_count: int


def session_state(
    has_factor: bool, verified_at: datetime | None, required: bool, is_owner: bool
) -> SessionState:
    if has_factor:
        return SessionState.FULL if verified_at is not None else SessionState.PENDING
    return SessionState.SETUP if required and is_owner else SessionState.FULL


def fresh(verified_at: datetime | None, now: datetime) -> bool:
    """A factor was passed in this session within FRESH_MINUTES."""
    return verified_at is not None and (now - verified_at).total_seconds() <= FRESH_MINUTES * 60


def step_is_new(last_step: int | None, step: int) -> bool:
    """A code's step is accepted only after the last accepted one: no replay, no going back."""
    return last_step is None or step > last_step


def sign_count_ok(stored: int, given: int) -> bool:
    """WebAuthn §6.1.1: a counter grows; both zero means the authenticator keeps none."""
    return given > stored or (given == 0 and stored == 0)


def new_recovery_codes() -> list[str]:
    """Ten codes of 10 characters (50 bits each), shown as XXXXX-XXXXX."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_key(code: str) -> str | None:
    """A typed recovery code without spaces and dashes, upper case; None if not that shape."""
    cleaned = re.sub(r"[\s-]", "", code).upper()
    return cleaned if RECOVERY_SHAPE.match(cleaned) else None


def recovery_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
