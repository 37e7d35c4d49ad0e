"""The client loop's SQL repository: links, invitations, consents and page tokens
(`storage.client_loop.links`), the message log, settings and templates
(`storage.client_loop.messages`). Every query names its organization, except the two lookups
of a token by its hash, which find the organization from the token."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.client_loop.contacts import ContactQueries
from storage.client_loop.links import LinkQueries
from storage.client_loop.messages import MessageQueries
from storage.client_loop.optout import OptOutQueries
from storage.client_loop.payments import PaymentQueries
from storage.client_loop.ratings import RatingQueries
from storage.client_loop.reminders import ReminderQueries
from storage.client_loop.replies import ReplyQueries
from storage.client_loop.trips import TripQueries


class SqlClientLoopRepository(
    ReminderQueries,
    LinkQueries,
    MessageQueries,
    ContactQueries,
    RatingQueries,
    PaymentQueries,
    OptOutQueries,
    TripQueries,
    ReplyQueries,
):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session
