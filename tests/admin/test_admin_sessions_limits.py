"""Refused web sign-ins (issue 25, item 12) over ASGI on both databases: an unknown, expired
or used link and a session cookie our key did not sign are answered with a clear page (401),
audited with their reason and never the token, and counted in /metrics; the eleventh refusal
from one address in a minute is answered 429 with Retry-After, other addresses and valid links
are not held up."""

from __future__ import annotations

import json

import pytest

from bot.admin.app import build_admin_app
from tests.admin.support_sessions import CHROME, browser, rows, sign_in
from tests.support import owner_with_org

RU = {"accept-language": "ru-RU,ru;q=0.9"}
UNKNOWN = "sl_" + "u" * 43
FORGED = {"astracrm_session": "ss_" + "f" * 43 + ".forgedmac"}


@pytest.fixture
def app(container):
    return build_admin_app(container)


def _metric(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


async def test_refusals_are_explained_audited_counted_and_limited(app, container, clock, db_url):
    services = container.services
    owner = await owner_with_org(services)
    used = (await services.admin.issue_link(owner)).url.removeprefix("http://admin.test")
    late = (await services.admin.issue_link(owner)).url.removeprefix("http://admin.test")
    async with browser(app, CHROME, "203.0.113.5") as mine:
        assert (await mine.post(used)).status_code == 303
    answers = []
    async with (
        browser(app, CHROME, "198.51.100.7") as stranger,
        browser(app, CHROME, "198.51.100.7", cookies=FORGED) as forger,
    ):
        again = await stranger.post(used, headers=RU)
        assert again.status_code == 401 and "уже входили" in again.text
        answers.append(again.status_code)
        clock.advance(minutes=10)
        expired = await stranger.post(late)
        assert expired.status_code == 401
        assert "has expired: a link works for 10 minutes" in expired.text
        answers.append(expired.status_code)
        unknown = await stranger.post(f"/signin/{UNKNOWN}")
        assert unknown.status_code == 401 and "This sign-in link is not valid." in unknown.text
        answers.append(unknown.status_code)
        answers.append((await stranger.post("/signin/not-a-token")).status_code)
        page = await forger.get("/settings", headers=RU)
        assert page.status_code == 401 and "Сеанс завершён. Отправьте боту /admin" in page.text
        assert 'astracrm_session=""' in page.headers["set-cookie"]  # the forged cookie goes
        answers.append(page.status_code)
        forger.cookies.update(FORGED)
        api = await forger.get("/api/me")
        assert api.status_code == 401 and api.json()["code"] == "session_invalid"
        assert api.headers["content-type"] == "application/problem+json"
        answers.append(api.status_code)
        for _ in range(4):
            answers.append((await stranger.post(f"/signin/{UNKNOWN}")).status_code)
        limited = await stranger.post(f"/signin/{UNKNOWN}", headers=RU)
        answers.append(limited.status_code)
        assert answers == [401] * 10 + [429]
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert "Слишком много попыток с вашего адреса" in limited.text
        forger.cookies.update(FORGED)
        assert (await forger.get("/board")).status_code == 429  # the same address's budget
        # A valid link still opens a session from that address; other addresses are free.
        await sign_in(stranger, services, owner)
        async with browser(app, CHROME, "192.0.2.9") as elsewhere:
            assert (await elsewhere.post(f"/signin/{UNKNOWN}")).status_code == 401
    metrics = (await container.metrics.render()).decode()
    failures = "astracrm_admin_auth_failures_total"
    counted = {
        reason: _metric(metrics, f'{failures}{{reason="{reason}"}}')
        for reason in ("link_used", "link_expired", "link_unknown", "cookie_forged")
    }
    assert counted == {
        "link_used": 1.0,
        "link_expired": 1.0,
        "link_unknown": 7.0,  # 6 from the stranger, 1 from elsewhere
        "cookie_forged": 2.0,
    }
    assert _metric(metrics, "astracrm_admin_auth_limited_total") == 2.0
    audit = await rows(
        db_url,
        "SELECT organization_id, actor_id, subject_type, subject_id, data FROM audit_event "
        "WHERE action = 'admin.sign_in_failed' ORDER BY id",
    )
    org, user = owner.organization.id, owner.user.id
    found = [
        (o, a, k, s, (json.loads(d) if isinstance(d, str) else d)["reason"])
        for o, a, k, s, d in audit
    ]
    assert found == [
        (org, None, "app_user", user, "link_used"),
        (org, None, "app_user", user, "link_expired"),
        *[(None, None, None, None, "link_unknown")] * 2,
        *[(None, None, None, None, "cookie_forged")] * 2,
        *[(None, None, None, None, "link_unknown")] * 5,
    ]
    everything = repr(await rows(db_url, "SELECT * FROM audit_event"))
    for secret in (used.rsplit("/", 1)[1], late.rsplit("/", 1)[1], UNKNOWN, "forgedmac"):
        assert secret not in everything
    assert "198.51.100.7" not in everything
    owners = (await services.audit.page(owner)).items
    lines = [e.action for e in owners]
    assert lines.count("admin.sign_in_failed") == 2  # the organization's own links only
