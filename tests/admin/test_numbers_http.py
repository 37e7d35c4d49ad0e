"""The Numbers page and its CSV on both databases, on seeded orders and a frozen clock: exact
figures by the organization's local day, the same numbers as the owner's digest (one core
function gathers both), the role check and one organization's numbers only."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.notifications.digest import DigestMessage
from handlers.i18n import Catalogs
from handlers.notifications.digests import digest_view
from tests.admin.numbers_seed import at, seed
from tests.support import owner_with_org


async def sign_in(client, services, actor) -> None:
    path = (await services.admin.issue_link(actor)).url.removeprefix("http://admin.test")
    assert (await client.post(path)).status_code == 303


async def test_the_numbers_page_shows_the_periods_figures_and_charts(
    client, container, db_url, clock
):
    services = container.services
    seeded = await seed(services, clock, db_url)
    other = await owner_with_org(services, "Другая")  # a second organization's money
    clock.set(at(2, 9))
    await sign_in(client, services, seeded.owner)
    answer = await client.get("/numbers?from=2026-03-01&to=2026-03-02")
    assert answer.status_code == 200, answer.text
    page = answer.text
    assert "style-src 'self'" in answer.headers["content-security-policy"]
    assert "<script" not in page and 'href="/numbers/numbers.css"' in page
    assert 'data-testid="n-rev">4\xa0000\xa0₽<' in page
    assert 'data-testid="n-done">3<' in page
    assert 'data-testid="n-rating">4,5<' in page
    assert 'data-testid="n-on-time">50%<' in page
    assert 'data-testid="n-repeat">1<' in page
    days = page.split('data-testid="chart-days"')[1].split("</svg>")[0]
    assert days.count('class="bar"') == 2
    assert 'data-value="150000"' in days and 'data-value="250000"' in days  # 00:30 local
    methods = page.split('data-testid="chart-methods"')[1].split("</svg>")[0]
    assert "наличные" in methods and "карта" in methods
    workers = page.split('data-testid="chart-workers"')[1].split("</svg>")[0]
    assert "Иван" in workers and 'data-value="2"' in workers and 'data-value="1"' in workers
    css = await client.get("/numbers/numbers.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert other.organization.id != seeded.owner.organization.id


async def test_the_csv_is_excel_friendly_and_exact(client, container, db_url, clock):
    services = container.services
    seeded = await seed(services, clock, db_url)
    clock.set(at(2, 9))
    await sign_in(client, services, seeded.owner)
    answer = await client.get("/numbers.csv?from=2026-03-01&to=2026-03-02")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="numbers-2026-03-01-2026-03-02.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    rows = answer.content.decode("utf-8-sig").split("\r\n")
    assert rows[:-1] == [
        "metric (RUB);key;value",
        "revenue_by_day;2026-03-01;1500,00",
        "revenue_by_day;2026-03-02;2500,00",
        "revenue_by_method;card;2000,00",
        "revenue_by_method;cash;2000,00",
        "revenue_total;;4000,00",
        "orders_done;;3",
        "done_by_worker;Иван;2",
        "done_by_worker;Owner;1",
        "average_rating;;4,5",
        "ratings;;2",
        "on_time_percent;;50",
        "on_time;;1",
        "with_time;;2",
        "clients;;2",
        "returning_clients;;1",
    ]


async def test_the_digest_and_the_page_agree(client, container, db_url, clock):
    """Today so far in the digest is the page's today: one function gathers both. Client B
    was served on 1 March too: returning on the 2nd."""
    services = container.services
    seeded = await seed(services, clock, db_url)
    clock.set(at(2, 20))  # 23:00 in Moscow
    message = await services.notifications.digest_for(seeded.owner)
    report = await services.numbers.report(seeded.owner, *[at(2, 0).date()] * 2)
    d, f = message.digest, report.facts
    assert d.revenue_by_method == f.revenue == {"card": 200000, "cash": 50000}
    assert d.done_by_worker == f.done_by_worker == {seeded.owner.user.id: 1}
    assert d.ratings_by_worker == f.ratings == {seeded.worker.user.id: (4, 1)}
    assert d.visits == f.visits and (f.visits.clients, f.visits.repeat_clients) == (1, 1)
    assert sum(report.revenue_by_day.values()) == d.revenue.now == 250000
    text, _ = digest_view(Catalogs().get("en"), DigestMessage.from_data(message.as_data()))
    assert "Average rating: ⭐4.0 (1)" in text and "Returning clients: 1 of 1" in text
    await sign_in(client, services, seeded.owner)
    page = (await client.get("/numbers?from=2026-03-02&to=2026-03-02")).text
    assert 'data-testid="n-done">1<' in page and 'data-testid="n-rating">4,0<' in page


async def test_a_worker_is_refused_and_a_bad_period_is_explained(client, container, db_url, clock):
    services = container.services
    seeded = await seed(services, clock, db_url)
    day = at(2, 0).date()
    with pytest.raises(DomainError) as refused:
        await services.numbers.report(seeded.worker, day, day)
    assert refused.value.code == "forbidden"
    assert (await client.get("/numbers")).status_code == 401  # not signed in
    await sign_in(client, services, seeded.owner)
    backwards = await client.get("/numbers?from=2026-03-02&to=2026-03-01")
    assert backwards.status_code == 422 and "366" in backwards.text
    assert (await client.get("/numbers?from=soon")).status_code == 422
    assert (await client.get("/numbers.csv?from=2025-01-01&to=2026-03-01")).status_code == 422
    default = await client.get("/numbers")  # the last seven local days
    assert default.status_code == 200 and 'value="2026-02-24"' in default.text
