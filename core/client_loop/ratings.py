"""The client's rating of an order (issue 19, item 8): the record, what storage answers, when
the question is scheduled, and whom a low rating alerts.

**When**: the change that *settles* a done order schedules the question: the payment that
pays it in full, or Done itself when nothing is due (no price, or paid in advance). So an
organization that takes no payments (orders without a price) asks after Done, and one that
does asks after the money is in. Any code that settles an order (a worker's payment through
`OrderService.act`, an online payment's notification, ...) calls `after_settled` in the
transaction of that change; `core.orders.changes` does for every action. That queues a
durable job (`client_rating`, deduplicated per order, so a change repeated or replayed queues
it once) due at once; it reads the organization's settings and, before `rating_delay_minutes`
(0 to 7 days) have passed since the settlement, queues the question itself for then (a second
job, `rating:<order>:due`). The change's transaction pays one INSERT, nothing read.

**Once**: asking writes the order's `client_rating` row (unique per order) in the job's
transaction; a job run again finds it and asks nothing new (a Telegram question whose log
entry is still queued is sent again: the send never reached Telegram, or was not marked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from core.client_loop.channels import Reach, choose_channels
from core.client_loop.model import Channel, ClientLink, Purpose, consent_state
from core.client_loop.providers import CHANNEL_SECRETS, SMS_SECRET, SMTP_SECRET
from core.domain import Client, Order, OrderStatus, Role, User

if TYPE_CHECKING:
    from core.ports import UnitOfWork

RATING_JOB = "client_rating"
ALERT_JOB = "client_rating_alert"
LOW = 3  # 1-3 stars alert the owner and the manager
STARS = range(1, 6)
COMMENT_MAX = 1000
PAGE_DAYS = 7  # the rating page opens for a week after the question
RATED_EVENT = "client_rated"
COMMENT_EVENT = "client_rating_comment"


@dataclass(frozen=True, slots=True)
class Rating:
    id: int
    organization_id: int
    order_id: int
    client_id: int
    channel: Channel
    message_id: int | None  # the question's entry in the client message log
    stars: int | None
    comment: str | None
    awaiting_comment: bool  # Telegram: the client's next text is the comment
    asked_at: datetime
    rated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RatingAsk:
    """A Telegram question to send (and mark sent with `message_id`)."""

    rating_id: int
    organization_id: int
    chat_id: int
    language: str
    text: str
    message_id: int


@dataclass(frozen=True, slots=True)
class RatingAlert:
    """A low rating, as the owner and the manager are told (staff: the worker's full name)."""

    order_id: int
    number: int
    stars: int
    comment: str | None
    client_name: str
    worker_name: str | None
    recipients: tuple[User, ...]
    stage: str  # "stars" (with the comment if given at once) or "comment" (a later one)


@dataclass(frozen=True, slots=True)
class Rated:
    rating: Rating
    already: bool = False  # rated before: nothing changed


class RatingRepository(Protocol):
    async def add_rating(
        self, org_id: int, order_id: int, client_id: int, channel: Channel, now: datetime
    ) -> Rating | None:
        """The order's rating row, asked now; None if the order was asked before."""
        ...

    async def set_rating_message(self, org_id: int, rating_id: int, message_id: int) -> None: ...
    async def rating(self, org_id: int, order_id: int) -> Rating | None: ...
    async def rating_by_id(self, org_id: int, rating_id: int) -> Rating | None: ...
    async def rate(
        self,
        org_id: int,
        rating_id: int,
        stars: int,
        comment: str | None,
        awaiting: bool,
        now: datetime,
    ) -> Rating | None:
        """Record the stars if not rated yet (one conditional UPDATE); None: rated before."""
        ...

    async def close_comment(
        self, org_id: int, rating_id: int, comment: str | None
    ) -> Rating | None:
        """Store the comment (None: skipped) if one is awaited; None: none was."""
        ...

    async def awaiting_comment(self, org_id: int, client_id: int) -> Rating | None: ...
    async def client_ratings(
        self, org_id: int, client_id: int, limit: int = 5
    ) -> list[tuple[Rating, int]]:
        """The client's answered ratings, newest first, with each order's number."""
        ...

    async def ratings_by_worker(
        self, org_ids: Sequence[int], start: datetime, end: datetime
    ) -> dict[int, dict[int, tuple[int, int]]]:
        """Per organization, per assignee of the rated order: (sum of stars, how many),
        for ratings given in [start, end)."""
        ...


async def after_settled(uow: UnitOfWork, now: datetime, before: Order, after: Order) -> bool:
    """In the transaction of a change that may settle an order: when it settles a done order
    of a client, queue its rating job (one INSERT: the job reads the organization's delay and
    whether ratings are on, and waits the rest). False: nothing queued."""
    if after.status is not OrderStatus.DONE or not after.settled or before.settled:
        return False
    if after.client_id is None:
        return False
    org_id = after.organization_id
    payload = {"org": org_id, "order": after.id, "settled": now.isoformat()}
    key = f"rating:{after.id}"
    return await uow.jobs.enqueue(RATING_JOB, payload, now, org_id, key) is not None


def rating_due(settled: datetime, delay_minutes: int) -> datetime:
    return settled + timedelta(minutes=delay_minutes)


async def reach_of(
    uow: UnitOfWork, org_id: int, client: Client, link: ClientLink | None
) -> tuple[Channel, ...]:
    """The channels that reach the client for order messages now, best first."""
    linked = link is not None and link.transactional_at is not None
    configured = set(await uow.org_settings.secrets(org_id)) & set(CHANNEL_SECRETS)
    email = None
    if SMTP_SECRET in configured:
        email = await uow.client_loop.client_email(org_id, client.id)
    events = await uow.client_loop.consents(org_id, client.id)
    reach = Reach(
        linked=linked, telegram_consent=linked, consents=consent_state(events),
        phones=client.phones, email=email, sms_configured=SMS_SECRET in configured,
        email_configured=bool(email), restricted=client.restricted,
    )  # fmt: skip
    channels = choose_channels(reach, Purpose.TRANSACTIONAL)
    if link is not None and not linked:  # a linked client who said no or /stop
        return tuple(c for c in channels if c is not Channel.TELEGRAM)
    return channels


async def leads_of(uow: UnitOfWork, org_id: int, order: Order) -> tuple[User, ...]:
    """Who hears about a client's rating or message: the owners, and the order's manager (the
    member who created it, when an active manager; else every active manager)."""
    team = [
        v for v in await uow.members.team(org_id) if v.membership.active and not v.user.restricted
    ]  # a member who restricted their own processing hears nothing (docs/data-rights.md)
    owners = [v.user for v in team if v.membership.role is Role.OWNER]
    managers = [v.user for v in team if v.membership.role is Role.MANAGER]
    own = [u for u in managers if u.id == order.created_by]
    chosen = {u.id: u for u in [*owners, *(own or managers)]}
    return tuple(chosen.values())
