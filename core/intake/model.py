"""The organization's intake settings (the org_setting `intake`, JSON) and its public key.

The public key is not a secret: it names the organization to the public intake API and
sits in the website's HTML. It reads `pk_live_<organization id>_<random part>`, so the
organization is found without a lookup table, and regenerating the random part retires
every copy of the old key at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from core.errors import DomainError

SETTING = "intake"
DRAFT, DISTRIBUTING = "draft", "distributing"
STATES = (DRAFT, DISTRIBUTING)
KEY_PREFIX = "pk_live_"
MAX_ORIGINS = 20
# Fields an organization may make required (the comment is by default), and the widget's
# field each is sent in.
REQUIRABLE = {
    "email": "email",
    "address": "address",
    "preferred_time": "preferredAt",
    "comment": "description",
}
DEFAULT_REQUIRED = ("comment",)
ICONS = ("none", "phone", "chat", "calendar", "tools")  # the floating button's icon
HORIZON_DAYS = 60  # a preferred time at most this far ahead
ORIGIN_MAX = 253  # characters of one origin as stored


@dataclass(frozen=True, slots=True)
class IntakeSettings:
    enabled: bool = False
    state: str = DRAFT
    origins: tuple[str, ...] = ()
    secret: str = ""
    required: tuple[str, ...] = DEFAULT_REQUIRED
    icon: str = "none"

    @classmethod
    def of(cls, stored: object) -> IntakeSettings:
        """The stored JSON, read leniently: anything odd falls back to the defaults."""
        if not isinstance(stored, dict):
            return cls()
        state = stored.get("state")
        origins = stored.get("origins")
        secret = stored.get("secret")
        required = stored.get("required")
        icon = stored.get("icon")
        return cls(
            required=clean_required(required) if isinstance(required, list) else DEFAULT_REQUIRED,
            icon=icon if icon in ICONS else "none",
            enabled=stored.get("enabled") is True,
            state=state if state in STATES else DRAFT,
            origins=tuple(o for o in origins if isinstance(o, str))
            if isinstance(origins, list)
            else (),
            secret=secret if isinstance(secret, str) else "",
        )

    def as_data(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "state": self.state,
            "origins": list(self.origins),
            "secret": self.secret,
            "required": list(self.required),
            "icon": self.icon,
        }

    def public_key(self, org_id: int) -> str:
        return f"{KEY_PREFIX}{org_id}_{self.secret}" if self.secret else ""

    def with_new_secret(self) -> IntakeSettings:
        return replace(self, secret=secrets.token_urlsafe(18))

    def matches(self, secret: str) -> bool:
        return bool(self.secret) and secrets.compare_digest(self.secret, secret)

    def allows(self, origin: str | None) -> bool:
        return origin is not None and origin in self.origins


def clean_required(names: object) -> tuple[str, ...]:
    """The known field names given, in REQUIRABLE's order."""
    given = {n for n in names if isinstance(n, str)} if isinstance(names, list | tuple) else set()
    return tuple(name for name in REQUIRABLE if name in given)


def parse_key(key: str | None) -> tuple[int, str] | None:
    """(organization id, random part) of a well-formed public key, else None."""
    if not key or len(key) > 100 or not key.startswith(KEY_PREFIX):
        return None
    org, _, secret = key.removeprefix(KEY_PREFIX).partition("_")
    if not org.isascii() or not org.isdigit() or not secret or len(org) > 18:
        return None
    return int(org), secret


def normalize_origin(text: str) -> str:
    """An exact website origin, `scheme://host[:port]`, lower case, a non-ASCII host in
    punycode; a path other than `/`, a query, user info or a wildcard is refused."""
    given = text.strip()
    try:
        parts = urlsplit(given)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise DomainError("intake_origin_invalid", given=given[:80]) from None
    plain = parts.path in ("", "/") and not parts.query and not parts.fragment
    if parts.scheme not in ("http", "https") or not host or "*" in host or not plain:
        raise DomainError("intake_origin_invalid", given=given[:80])
    if parts.username is not None or parts.password is not None:
        raise DomainError("intake_origin_invalid", given=given[:80])
    origin = f"{parts.scheme}://{host.lower()}" + (f":{port}" if port is not None else "")
    if len(origin) > ORIGIN_MAX:
        raise DomainError("intake_origin_invalid", given=given[:80])
    return origin


def normalize_origins(lines: list[str]) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(normalize_origin(line) for line in lines if line.strip()))
    if len(found) > MAX_ORIGINS:
        raise DomainError("intake_origins_too_many", limit=MAX_ORIGINS)
    return found
