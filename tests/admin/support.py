"""Services with the admin side switched on: plans enforced, a T-Bank terminal (the local
fake), credentials encrypted with a test key."""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from bot.container import Adapters, file_stores, make_services
from bot.settings import Settings
from core.services import Services
from handlers.i18n import Catalogs
from integrations.phones import PhonenumbersNormalizer
from integrations.tbank import HttpTBank
from storage.secrets import FernetSecretBox
from tests.fakes.tbank import FakeTBank

TERMINAL, PASSWORD = "CrmTerminal", "s3cr3t-password"
ENCRYPTION_KEY = "1Hn3dmXIObt7Lmp3JBswmjQIYIhTeF5lwyvgmm4plr8="
PUBLIC = "http://admin.test"


def admin_settings(**overrides) -> Settings:
    files = Path(tempfile.mkdtemp(prefix="astracrm-admin-"))
    values = dict(
        _env_file=None,
        database_url="sqlite:///unused.db",
        files_dir=files,
        public_base_url=PUBLIC,
        secret_key="test-secret-key",
        encryption_key=ENCRYPTION_KEY,
        tbank_terminal_key=TERMINAL,
        tbank_password=PASSWORD,
    )
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def admin_services(
    uow_factory, clock, bank: FakeTBank | None, http: httpx.AsyncClient, **overrides
) -> Services:
    settings = admin_settings(**overrides)
    adapters = Adapters(PhonenumbersNormalizer(), None, None, *file_stores(settings))
    if bank is not None:
        adapters.payments = HttpTBank(http, TERMINAL, PASSWORD, base_url=bank.base_url)
    adapters.secrets = FernetSecretBox(ENCRYPTION_KEY)
    return make_services(uow_factory, clock, Catalogs(), settings, adapters)
