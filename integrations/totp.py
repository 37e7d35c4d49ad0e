"""TOTP codes of authenticator apps (RFC 6238: SHA-1, 6 digits, 30-second steps) with pyotp,
for the web sign-in's second factor (core/admin/factors.py keeps the replay rule)."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

from core.admin.factors import TOTP_DIGITS, TOTP_STEP_SECONDS


class PyotpCodes:
    def new_secret(self) -> str:
        """160 random bits in base32: what every authenticator app reads."""
        return pyotp.random_base32(32)

    def uri(self, secret: str, account: str, issuer: str) -> str:
        totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS)
        return totp.provisioning_uri(name=account, issuer_name=issuer)

    def step_of(self, secret: str, code: str, now: datetime, tolerance: int) -> int | None:
        if len(code) != TOTP_DIGITS or not code.isdigit():
            return None
        totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS)
        current = totp.timecode(now)
        for step in sorted(range(current - tolerance, current + tolerance + 1), reverse=True):
            if hmac.compare_digest(totp.generate_otp(step), code):
                return step
        return None
