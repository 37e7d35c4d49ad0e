"""One typed Settings object built from the environment and an optional `.env` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.client_ip import parse_networks
from storage.db import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    """Every variable a deployment may set. Names are part of the public interface."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    # The Bot API transport; aiohttp: lower reply latency and CPU than httpx (bench updates).
    telegram_http_client: Literal["aiohttp", "httpx"] = "aiohttp"
    database_url: str = DEFAULT_DATABASE_URL
    files_dir: Path = Path("./data/files")
    default_language: Literal["en", "ru"] = "en"
    default_country: str = Field(default="RU", min_length=2, max_length=2)
    privacy_policy_url: str = "https://example.com/privacy"
    privacy_policy_version: str = "2025-01"  # the base version: in force until another is
    # published (`astracrm policy publish`); its files are in the versions directory
    privacy_policy_dir: Path | None = None  # the versions (default: core/privacy/versions)
    invite_days: int = Field(default=7, ge=1, le=90)
    invite_uses: int = Field(default=1, ge=1, le=100)
    dadata_api_key: SecretStr | None = None
    dadata_base_url: str = "https://suggestions.dadata.ru/suggestions/api/4_1/rs"
    yandex_maps_api_key: SecretStr | None = None
    yandex_static_maps_url: str = "https://static-maps.yandex.ru/v1"
    # Driving times for "On my way" (Distance Matrix API, a commercial key); without it the
    # ETA is the straight-line estimate.
    yandex_routing_api_key: SecretStr | None = None
    yandex_routing_url: str = "https://api.routing.yandex.net/v2"
    # Where client SMS go (the organization's own SMS.ru or SMSC.ru account).
    sms_ru_base_url: str = "https://sms.ru"
    smsc_base_url: str = "https://smsc.ru"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "ru-central1"
    s3_prefix: str = ""
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_sse: str | None = None
    salute_auth_key: SecretStr | None = None
    salute_scope: str = "SALUTE_SPEECH_PERS"
    salute_oauth_url: str = "https://ngw.devices.sberbank.ru:9443/api/v2/oauth"
    salute_api_url: str = "https://smartspeech.sber.ru/rest/v1"
    salute_ca_bundle: str | None = None
    openrouter_api_key: SecretStr | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    openrouter_model: str = "openai/gpt-4o-mini"
    yandex_cloud_api_key: SecretStr | None = None
    yandex_cloud_iam_token: SecretStr | None = None
    yandex_cloud_folder_id: str | None = None
    yandexgpt_endpoint: str = "llm.api.cloud.yandex.net:443"
    yandexgpt_insecure: bool = False
    voice_max_seconds: int = Field(default=600, ge=10, le=7200)
    sandbox_port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port
    sandbox_dir: Path = Path("./data/sandbox")
    # Webhooks to loopback and private networks, and over plain http (tests, a trusted
    # on-premises receiver); off in production: docs/webhooks.md, "SSRF"
    webhooks_allow_private: bool = False
    job_retry_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    # The longest a job runner sleeps without news: runners wake when jobs are added (this
    # process; on PostgreSQL any, by NOTIFY) and when the next job comes due.
    job_poll_seconds: float = Field(default=300.0, gt=0, le=3600)
    scheduler_seconds: float = Field(default=30.0, gt=0, le=3600)
    concurrent_updates: int = Field(default=8, ge=1, le=256)
    # redis://host:6379/0: Telegram's flood limits (30 messages/s for the bot, 1/s in a chat)
    # are kept in this Redis for every process of the bot (bot/flood_redis.py); unset: each
    # process keeps them alone, right for a single process (docs/rate-limits.md).
    redis_url: str | None = None
    # The deployment's reverse proxies (addresses or networks, comma-separated): only a
    # request from one of them has its X-Forwarded-For read for the client's address
    # (bot/admin/client_ip.py); unset: the peer is the client.
    trusted_proxies: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    sentry_dsn: SecretStr | None = None  # errors to Sentry, scrubbed (bot/monitoring.py)
    sentry_environment: str = "production"
    metrics_token: SecretStr | None = None  # when set, /metrics wants `Authorization: Bearer`
    # The admin endpoint (settings, billing, webhooks): see bot/admin.
    admin_host: str = "127.0.0.1"
    admin_port: int | None = Field(default=None, ge=0, le=65535)  # None: 8081 in `run`
    public_base_url: str | None = None  # how browsers and T-Bank reach the admin endpoint
    secret_key: SecretStr | None = None  # signs session cookies
    encryption_key: SecretStr | None = None  # Fernet key(s) for credentials at rest
    tbank_terminal_key: str | None = None
    tbank_password: SecretStr | None = None
    tbank_base_url: str = "https://securepay.tinkoff.ru/v2"
    webhook_secret: SecretStr | None = None  # X-Telegram-Bot-Api-Secret-Token
    # Clients' answers to e-mails (docs/email.md "Replies from clients"): client e-mails get
    # `Reply-To: reply+<token>@INBOUND_MAIL_DOMAIN` and an SMTP server takes them on
    # INBOUND_MAIL_HOST:INBOUND_MAIL_PORT (0: any free port); unset domain: both off.
    inbound_mail_domain: str | None = None
    inbound_mail_host: str = "127.0.0.1"
    inbound_mail_port: int = Field(default=2525, ge=0, le=65535)
    inbound_mail_max_bytes: int = Field(default=2_000_000, ge=10_000, le=50_000_000)

    # Backups (README "Backups and restore", docs/backups.md): sealed with age for
    # BACKUP_RECIPIENTS (public keys age1..., comma-separated); BACKUP_KEY (the secret key
    # AGE-SECRET-KEY-1...) restores, and seals when no recipients are set. Kept in BACKUP_DIR,
    # else under BACKUP_S3_PREFIX in S3_BUCKET, else next to FILES_DIR; at most 90 days.
    backup_recipients: str | None = None
    backup_key: SecretStr | None = None
    backup_dir: Path | None = None
    backup_s3_prefix: str = "astracrm-backups"
    backup_keep_days: int = Field(default=30, ge=1, le=90)
    backup_daily: bool = False  # a backup every day at BACKUP_HOUR:00 UTC
    backup_hour: int = Field(default=2, ge=0, le=23)
    # Every erasure and purge, recorded apart from the backups (replayed by `astracrm restore`):
    # ERASURE_JOURNAL_DIR, else under ERASURE_JOURNAL_S3_PREFIX in S3_BUCKET, else next to
    # FILES_DIR.
    erasure_journal_dir: Path | None = None
    erasure_journal_s3_prefix: str = "astracrm-erasure-journal"

    @field_validator("backup_recipients", "backup_key", "backup_dir", "erasure_journal_dir",
                     mode="before")  # fmt: skip
    @classmethod
    def _empty_backup_value_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("backup_daily")
    @classmethod
    def _daily_backups_need_a_key(cls, value: bool, info: ValidationInfo) -> bool:
        if value and not (info.data.get("backup_recipients") or info.data.get("backup_key")):
            raise ValueError("needs BACKUP_RECIPIENTS or BACKUP_KEY")
        return value

    @field_validator(
        "public_base_url",
        "secret_key",
        "encryption_key",
        "tbank_terminal_key",
        "tbank_password",
        "webhook_secret",
        mode="before",
    )
    @classmethod
    def _empty_admin_value_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("public_base_url", "tbank_base_url")
    @classmethod
    def _admin_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("inbound_mail_domain", mode="before")
    @classmethod
    def _inbound_mail_domain(cls, value: object) -> object:
        if value is None or value == "":
            return None
        text = str(value).strip().rstrip(".").lower()
        labels = text.split(".")
        if len(labels) < 2 or not all(re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", x)
                                      for x in labels):  # fmt: skip
            raise ValueError("must be a domain name such as reply.example.com")
        return text

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url(cls, value: object) -> object:
        if value == "":
            return None
        if isinstance(value, str) and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _trusted_proxies(cls, value: object) -> object:
        if value is None or value == "":
            return None
        try:
            parse_networks(str(value))
        except ValueError:
            raise ValueError("must be IP addresses or networks, comma-separated") from None
        return str(value)

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("1-256 characters of A-Z a-z 0-9 _ -")
        return value

    @property
    def billing_enabled(self) -> bool:
        """Selling subscriptions needs the terminal; without it plans are not enforced."""
        return bool(self.tbank_terminal_key and self.tbank_password)

    @field_validator(
        "telegram_bot_token",
        "dadata_api_key",
        "yandex_maps_api_key",
        "yandex_routing_api_key",
        "s3_bucket",
        "s3_endpoint_url",
        "s3_access_key_id",
        "s3_secret_access_key",
        "s3_sse",
        "salute_auth_key",
        "salute_ca_bundle",
        "openrouter_api_key",
        "yandex_cloud_api_key",
        "yandex_cloud_iam_token",
        "yandex_cloud_folder_id",
        mode="before",
    )
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or len(secret) < 10:
                raise ValueError("expected the form 123456789:AA... from @BotFather")
        return value

    @field_validator(
        "telegram_api_base_url",
        "telegram_file_base_url",
        "dadata_base_url",
        "yandex_static_maps_url",
        "yandex_routing_url",
        "sms_ru_base_url",
        "smsc_base_url",
    )
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgres")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    # Telephony (Zadarma PBX): the deployment's API key and secret, used by organizations
    # that have none of their own; recordings are fetched this long after a call ends.
    zadarma_api_key: str | None = None
    zadarma_api_secret: SecretStr | None = None
    zadarma_api_url: str = "https://api.zadarma.com"
    pbx_recording_delay_seconds: float = Field(default=40.0, ge=0, le=3600)

    @field_validator("zadarma_api_key", "zadarma_api_secret", mode="before")
    @classmethod
    def _empty_pbx_value_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("zadarma_api_url")
    @classmethod
    def _pbx_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable and how to fix it."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "?"
        raise ConfigError(
            f"configuration error: {variable}: {first['msg']} "
            f"(set it in the environment or in .env; see README, Configuration)"
        ) from None
