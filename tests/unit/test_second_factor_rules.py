"""The second factor's pure rules and the TOTP arithmetic (RFC 6238's own test vectors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from core.admin.factors import (
    RECOVERY_CODES,
    SessionState,
    fresh,
    new_recovery_codes,
    recovery_hash,
    recovery_key,
    session_state,
    sign_count_ok,
    step_is_new,
)
from integrations.totp import PyotpCodes

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "code", "step"),
    [(59, "287082", 1), (1111111109, "081804", 37037036), (2000000000, "279037", 66666666)],
)
def test_totp_codes_are_rfc_6238(seconds, code, step):
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    assert PyotpCodes().step_of(RFC_SECRET, code, moment, 0) == step


def test_one_step_of_tolerance_either_side_and_no_more():
    codes = PyotpCodes()
    secret = codes.new_secret()
    assert len(secret) == 32
    totp = pyotp.TOTP(secret)
    step = totp.timecode(NOW)
    for offset, found in ((-1, step - 1), (0, step), (1, step + 1), (-2, None), (2, None)):
        typed = totp.at(NOW + timedelta(seconds=30 * offset))
        assert codes.step_of(secret, typed, NOW, 1) == found
    assert codes.step_of(secret, "12345", NOW, 1) is None
    assert codes.step_of(secret, "abcdef", NOW, 1) is None
    assert codes.uri(secret, "Olga (Чистый дом)", "AstraCRM").startswith("otpauth://totp/")


def test_a_step_is_accepted_once_and_never_backwards():
    assert step_is_new(None, 5) and step_is_new(4, 5)
    assert not step_is_new(5, 5) and not step_is_new(6, 5)


@pytest.mark.parametrize(
    ("stored", "given", "ok"),
    [(0, 0, True), (0, 1, True), (5, 6, True), (5, 5, False), (5, 4, False), (5, 0, False)],
)
def test_a_passkey_counter_must_grow(stored, given, ok):
    assert sign_count_ok(stored, given) is ok


def test_session_states():
    at = NOW
    assert session_state(False, None, False, True) is SessionState.FULL
    assert session_state(True, None, False, False) is SessionState.PENDING
    assert session_state(True, at, True, True) is SessionState.FULL
    assert session_state(False, None, True, True) is SessionState.SETUP
    assert session_state(False, None, True, False) is SessionState.FULL  # managers


def test_a_check_is_fresh_for_ten_minutes():
    assert fresh(NOW, NOW + timedelta(minutes=10))
    assert not fresh(NOW, NOW + timedelta(minutes=10, seconds=1))
    assert not fresh(None, NOW)


def test_recovery_codes():
    codes = new_recovery_codes()
    assert len(codes) == RECOVERY_CODES == len(set(codes))
    assert all(len(c) == 11 and c[5] == "-" for c in codes)
    key = recovery_key(codes[0].lower().replace("-", " "))
    assert key == codes[0].replace("-", "")
    assert recovery_hash(key) != key and len(recovery_hash(key)) == 64
    assert recovery_key("123456") is None and recovery_key("ABCDE-FGHJK-L") is None
