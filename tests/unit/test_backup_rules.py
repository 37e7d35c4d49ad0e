"""Backup rules: names carry the moment, rotation keeps at most 90 days whatever is asked, the
manifest and the journal's records round-trip and hold no personal data, age refuses a wrong
key and damaged data with a clear message."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from pyrage import x25519

from bot.settings import ConfigError, load_settings
from core.backup.model import (
    BackupRefused,
    Erasure,
    ErasureRecord,
    Manifest,
    backup_name,
    expired,
    taken_at,
)
from integrations.age import AgeCipher

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _keys(days_ago: list[int]) -> list[str]:
    names = [backup_name(NOW - timedelta(days=d)) for d in days_ago]
    return [n + suffix for n in names for suffix in (".age", ".json")]


def test_a_name_holds_its_moment():
    assert taken_at(backup_name(NOW)) == NOW
    assert taken_at("astracrm-20260302T020000000000Z.age") == NOW
    assert taken_at("notes.txt") is None


def test_rotation_keeps_the_days_asked_and_never_more_than_90():
    keys = _keys([0, 29, 31, 89, 91, 400])
    assert {taken_at(k) for k in expired(keys, NOW, 30)} == {
        NOW - timedelta(days=d) for d in (31, 89, 91, 400)
    }
    assert {taken_at(k) for k in expired(keys, NOW, 1000)} == {
        NOW - timedelta(days=d) for d in (91, 400)
    }
    assert expired(["other/object.bin"], NOW, 1) == []


@pytest.mark.parametrize("days", ["0", "91", "365"])
def test_the_setting_cannot_keep_backups_past_90_days(monkeypatch, days):
    monkeypatch.setenv("BACKUP_KEEP_DAYS", days)
    with pytest.raises(ConfigError, match="BACKUP_KEEP_DAYS"):
        load_settings(_env_file=None)


def test_daily_backups_need_a_key(monkeypatch):
    monkeypatch.setenv("BACKUP_DAILY", "true")
    with pytest.raises(ConfigError, match="BACKUP_DAILY"):
        load_settings(_env_file=None)


def test_manifest_and_journal_records_round_trip():
    manifest = Manifest("astracrm-x", NOW, "sqlite", "0041", "sqlite 3", 10, "a", 20, "b")
    assert Manifest.from_json(manifest.to_json()) == manifest
    with pytest.raises(BackupRefused, match="unreadable"):
        Manifest.from_json(b"{")
    record = ErasureRecord(Erasure.CLIENT, 42, 7, NOW)
    assert ErasureRecord.from_json(record.to_json()) == record
    assert set(json.loads(record.to_json())) == {"kind", "subject_id", "org_id", "at"}


def test_age_refuses_a_wrong_key_and_damage():
    identity = x25519.Identity.generate()
    sealed = AgeCipher([str(identity.to_public())], None).seal(b"snapshot")
    assert AgeCipher([], str(identity)).open(sealed) == b"snapshot"
    with pytest.raises(BackupRefused, match="wrong key"):
        AgeCipher([], str(x25519.Identity.generate())).open(sealed)
    with pytest.raises(BackupRefused, match="damaged"):
        AgeCipher([], str(identity)).open(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(BackupRefused, match="BACKUP_KEY"):
        AgeCipher([str(identity.to_public())], None).open(sealed)
    with pytest.raises(BackupRefused, match="BACKUP_RECIPIENTS"):
        AgeCipher(["age1nonsense"], None)
