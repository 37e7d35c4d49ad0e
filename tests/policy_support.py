"""Helpers of the privacy policy tests: a versions directory with the base version and the
next ones, and services that read it."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from bot.container import Adapters, file_stores, make_services
from bot.settings import Settings
from core.privacy.policy import VERSIONS_DIR
from core.services import Services
from handlers.i18n import Catalogs
from integrations.phones import PhonenumbersNormalizer

BASE = "2025-01"
NEXT = "2026-04"  # material, in force from 15 April 2026 (the tests' clock: 2 March 2026)
SMALL = "2026-03"  # not material, from 10 March 2026
HASTY = "2026-03b"  # material but in force from 20 March: less than 30 days' notice
SUMMARY_EN = "Call summaries move to a new AI provider."
SUMMARY_RU = "Краткие изложения звонков готовит новый поставщик ИИ."


def _version(directory: Path, name: str, effective: date, material: bool) -> None:
    (directory / f"{name}.toml").write_text(
        f'version = "{name}"\neffective = {effective.isoformat()}\n'
        f"material = {'true' if material else 'false'}\n\n[summary]\n"
        f'en = "{SUMMARY_EN}"\nru = "{SUMMARY_RU}"\n',
        encoding="utf-8",
    )
    (directory / f"{name}.en.md").write_text(f"Privacy Policy {name}\n", encoding="utf-8")
    (directory / f"{name}.ru.md").write_text(f"Политика {name}\n", encoding="utf-8")


def versions_dir() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="astracrm-policy-"))
    for path in VERSIONS_DIR.glob(f"{BASE}.*"):
        shutil.copy(path, directory / path.name)
    _version(directory, NEXT, date(2026, 4, 15), True)
    _version(directory, SMALL, date(2026, 3, 10), False)
    _version(directory, HASTY, date(2026, 3, 20), True)
    return directory


def policy_services(uow_factory, clock, versions: Path | None = None) -> Services:
    files = Path(tempfile.mkdtemp(prefix="astracrm-files-"))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url="sqlite:///unused.db",
        files_dir=files,
        privacy_policy_dir=versions or versions_dir(),
    )
    adapters = Adapters(PhonenumbersNormalizer(), None, None, *file_stores(settings))
    return make_services(uow_factory, clock, Catalogs(), settings, adapters)
