"""The privacy policy's versions (issue 25, items 1-3; section 12 of the policy).

Each version lives in the repository under `core/privacy/versions/`: `<version>.toml` (its
effective date, whether the change is material, a short summary of what changes in each
language) and its full text in each language, `<version>.en.md` and `<version>.ru.md`.
Deploying a file makes a version known; it reaches people only when an operator publishes it
(`astracrm policy publish <version>`), which records the publication and, for a material
version, queues one notice per person. A material version must be published at least
`PUBLISH_DAYS` (31) before it takes effect (publishing refuses otherwise), so everybody has
`NOTICE_DAYS` (30) to read it even when their notice waited for their quiet hours to end.
From its effective date a material version asks each person to accept it once; a
non-material one only replaces the text shown.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from core.domain import LANGUAGES
from core.domain import PolicyStanding as PolicyStanding
from core.errors import DomainError

NOTICE_DAYS = 30
# Publishing asks one day more, so that a notice held by someone's quiet hours (at most a
# night) or queued behind a large broadcast still arrives 30 days or more before the date.
PUBLISH_DAYS = NOTICE_DAYS + 1
VERSIONS_DIR = Path(__file__).parent / "versions"


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    """One version of the policy as kept in the repository."""

    version: str
    effective: date  # it takes effect at 00:00 UTC of this day
    material: bool
    summary: dict[str, str]  # language -> what changes, in a sentence or two
    text: dict[str, str]  # language -> the full text

    @property
    def effective_at(self) -> datetime:
        return datetime.combine(self.effective, time(), tzinfo=UTC)

    def summary_in(self, language: str) -> str:
        return self.summary.get(language) or self.summary["en"]


@dataclass(frozen=True, slots=True)
class Publication:
    """A version an operator published: when, and when it takes effect."""

    version: str
    effective_at: datetime
    material: bool
    published_at: datetime


@dataclass(frozen=True, slots=True)
class PolicyStatus:
    """What /privacy and the admin page show: the version in force and the upcoming one."""

    in_force: PolicyVersion
    upcoming: PolicyVersion | None = None
    upcoming_published_at: datetime | None = None


class PolicyRegistry:
    """Every version found in the repository, by version name."""

    def __init__(self, versions: dict[str, PolicyVersion], base: str) -> None:
        if base not in versions:
            raise ValueError(f"the base policy version {base!r} has no file")
        self._versions, self.base = versions, base

    def get(self, version: str) -> PolicyVersion | None:
        return self._versions.get(version)

    def __getitem__(self, version: str) -> PolicyVersion:
        return self._versions[version]

    def versions(self) -> list[PolicyVersion]:
        return sorted(self._versions.values(), key=lambda v: (v.effective, v.version))


def load_version(directory: Path, version: str) -> PolicyVersion:
    meta = tomllib.loads((directory / f"{version}.toml").read_text(encoding="utf-8"))
    if meta.get("version") != version:
        raise ValueError(f"{version}.toml names version {meta.get('version')!r}")
    summary = {str(k): str(v).strip() for k, v in dict(meta.get("summary", {})).items()}
    text = {}
    for language in LANGUAGES:
        if not summary.get(language):
            raise ValueError(f"{version}.toml has no summary in {language!r}")
        text[language] = (directory / f"{version}.{language}.md").read_text(encoding="utf-8")
    effective = meta["effective"]
    if not isinstance(effective, date) or isinstance(effective, datetime):
        raise ValueError(f"{version}.toml: effective must be a date (YYYY-MM-DD)")
    return PolicyVersion(version, effective, bool(meta["material"]), summary, text)


def load_registry(base: str, directory: Path = VERSIONS_DIR) -> PolicyRegistry:
    names = sorted(p.stem for p in directory.glob("*.toml"))
    return PolicyRegistry({name: load_version(directory, name) for name in names}, base)


def check_publishable(version: PolicyVersion, now: datetime) -> None:
    """A material version needs `NOTICE_DAYS` of notice: published at least `PUBLISH_DAYS`
    before its effective date (a day's margin for quiet hours and queues)."""
    if version.material and version.effective_at < now + timedelta(days=PUBLISH_DAYS):
        raise DomainError("policy_notice_too_short", days=PUBLISH_DAYS)


def status(registry: PolicyRegistry, published: list[Publication], now: datetime) -> PolicyStatus:
    """The version in force at `now` (the latest published one whose date has come, else the
    base version) and the next published one still to come."""
    known = [p for p in published if registry.get(p.version) is not None]
    come = [p for p in known if p.effective_at <= now]
    ahead = sorted((p for p in known if p.effective_at > now), key=lambda p: p.effective_at)
    current = max(come, key=lambda p: p.effective_at).version if come else registry.base
    if not ahead:
        return PolicyStatus(registry[current])
    nxt = ahead[0]
    return PolicyStatus(registry[current], registry[nxt.version], nxt.published_at)
