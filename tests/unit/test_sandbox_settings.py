"""The sandbox's own settings: the admin pages next to the web chat, links that point at this
machine, and keys it generates once and keeps in SANDBOX_DIR."""

from __future__ import annotations

from bot.sandbox import sandbox_settings, with_sandbox_keys
from bot.settings import Settings


def settings(tmp_path, **values) -> Settings:
    return Settings(_env_file=None, sandbox_dir=tmp_path, **values)  # type: ignore[call-arg]


def test_the_admin_pages_listen_next_to_the_web_chat_and_links_stay_local(tmp_path):
    production = "https://crm.example.com"
    local = sandbox_settings(settings(tmp_path, sandbox_port=8080, public_base_url=production))
    assert local.admin_port == 8081 and local.public_base_url is None
    assert sandbox_settings(settings(tmp_path, sandbox_port=0)).admin_port == 0
    assert sandbox_settings(settings(tmp_path, admin_port=9000)).admin_port == 9000


def test_unset_keys_are_generated_once_and_kept(tmp_path):
    first, generated = with_sandbox_keys(settings(tmp_path))
    assert generated == ["ENCRYPTION_KEY", "SECRET_KEY"]
    again, _ = with_sandbox_keys(settings(tmp_path))
    assert first.encryption_key is not None and again.encryption_key is not None
    assert first.encryption_key.get_secret_value() == again.encryption_key.get_secret_value()
    assert (tmp_path / "encryption.key").stat().st_mode & 0o077 == 0
    given, generated = with_sandbox_keys(settings(tmp_path, secret_key="mine"))
    assert generated == ["ENCRYPTION_KEY"]
    assert given.secret_key is not None and given.secret_key.get_secret_value() == "mine"
