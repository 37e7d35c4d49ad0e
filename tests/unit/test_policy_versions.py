"""The privacy policy's versions as data (core/privacy/policy.py): the files deployed with the
code load in both languages, which version is in force and which is next, the 30 days'
notice a material version needs, and where a person stands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain import LANGUAGES, PolicyStanding
from core.errors import DomainError
from core.privacy.policy import (
    PUBLISH_DAYS,
    Publication,
    check_publishable,
    load_registry,
    status,
)
from tests.policy_support import BASE, HASTY, NEXT, SMALL, versions_dir

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_deployed_base_version_has_its_text_and_summary_in_every_language():
    registry = load_registry(BASE)
    base = registry[BASE]
    for language in LANGUAGES:
        assert base.text[language].strip() and base.summary[language]
    assert "12. Changes to This Privacy Policy" in base.text["en"]
    assert "12. Изменения этой политики" in base.text["ru"]
    assert base.effective_at <= NOW


def test_a_version_file_missing_a_language_is_refused():
    directory = versions_dir()
    (directory / f"{NEXT}.ru.md").unlink()
    with pytest.raises(FileNotFoundError):
        load_registry(BASE, directory)
    with pytest.raises(ValueError, match="base policy version"):
        load_registry("1999-01", versions_dir())


def _published(registry, name, at=NOW) -> Publication:
    v = registry[name]
    return Publication(name, v.effective_at, v.material, at)


def test_in_force_and_upcoming_follow_the_publications_and_the_clock():
    registry = load_registry(BASE, versions_dir())
    assert status(registry, [], NOW).in_force.version == BASE
    assert status(registry, [], NOW).upcoming is None
    published = [_published(registry, NEXT), _published(registry, SMALL)]
    now = status(registry, published, NOW)
    assert now.in_force.version == BASE and now.upcoming is not None
    assert now.upcoming.version == SMALL and now.upcoming_published_at == NOW
    later = status(registry, published, datetime(2026, 3, 10, tzinfo=UTC))
    assert later.in_force.version == SMALL and later.upcoming is not None
    assert later.upcoming.version == NEXT
    last = status(registry, published, datetime(2026, 4, 15, tzinfo=UTC))
    assert last.in_force.version == NEXT and last.upcoming is None


def test_a_material_version_needs_thirty_days_of_notice_and_a_day_for_quiet_hours():
    registry = load_registry(BASE, versions_dir())
    with pytest.raises(DomainError) as short:
        check_publishable(registry[HASTY], NOW)
    assert short.value.code == "policy_notice_too_short"
    check_publishable(registry[NEXT], NOW)
    check_publishable(registry[SMALL], NOW)  # not material: no notice needed
    exactly = registry[NEXT].effective_at - timedelta(days=PUBLISH_DAYS)
    check_publishable(registry[NEXT], exactly)
    with pytest.raises(DomainError):
        check_publishable(registry[NEXT], exactly + timedelta(seconds=1))


def test_standing():
    assert not PolicyStanding().pending and not PolicyStanding().declined
    assert PolicyStanding(NEXT, NEXT, None).pending
    assert PolicyStanding(NEXT, NEXT, False).declined
    accepted = PolicyStanding(NEXT, NEXT, True)
    assert not accepted.pending and not accepted.declined
