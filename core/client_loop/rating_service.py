"""Rating use cases (a base of `ClientLoopService`): ask (the job), rate in the chat or on the
page, the comment, what a low rating alert says, and the ratings a client card shows. One
unit of work each; the question and the alerts are jobs, so nothing is sent inside them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.client_loop.model import (
    Channel,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.client_loop.outgoing import enqueue_first
from core.client_loop.page import ClientPageService
from core.client_loop.ratings import (
    ALERT_JOB,
    COMMENT_EVENT,
    COMMENT_MAX,
    LOW,
    PAGE_DAYS,
    RATED_EVENT,
    RATING_JOB,
    STARS,
    Rated,
    Rating,
    RatingAlert,
    RatingAsk,
    leads_of,
    rating_due,
    reach_of,
)
from core.client_loop.setup import ClientLoopSetup
from core.client_loop.templates import LANGUAGES, default, render
from core.client_loop.tokens import hash_token, new_page_token
from core.client_loop.views import client_first_name, client_order_view, view_values
from core.domain import Actor, OrderStatus, OrgStatus, User
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import UnitOfWork

KIND = MessageKind.RATING_REQUEST


class ClientRatings(ClientLoopSetup):
    async def ask_rating(
        self,
        org_id: int,
        order_id: int,
        default_language: str,
        base_url: str,
        settled: datetime | None = None,
    ) -> RatingAsk | None:
        """The rating job: ask the client of a done order once, by the first channel that
        reaches them. A Telegram question is returned to be sent (and marked); SMS and e-mail
        are queued as their own jobs with a link to the order's page, which has the Rate form."""
        async with self._uow() as uow:
            existing = await uow.client_loop.rating(org_id, order_id)
            if existing is not None:
                return await _again(uow, existing, default_language)
            org = await uow.orgs.get(org_id)
            order = await uow.orders.get(org_id, order_id)
            if org is None or order is None or org.status is not OrgStatus.ACTIVE:
                return None
            if order.status is not OrderStatus.DONE or order.client_id is None:
                return None
            settings = await uow.client_loop.settings(org_id)
            client = await uow.clients.get(org_id, order.client_id)
            if client is None or not settings.sends(KIND):
                return None
            now = self._clock.now()
            if settled is not None and rating_due(settled, settings.rating_delay_minutes) > now:
                due = rating_due(settled, settings.rating_delay_minutes)
                key = f"rating:{order.id}:due"
                later = {"org": org_id, "order": order.id}
                await uow.jobs.enqueue(RATING_JOB, later, due, org_id, key)
                await uow.commit()
                return None
            link = await uow.client_loop.link(org_id, client.id)
            channels = settings.route(KIND, await reach_of(uow, org_id, client, link))
            person = await uow.users.get(link.user_id) if link is not None else None
            if not channels or (channels[0] is Channel.TELEGRAM and person is None):
                return None
            first = channels[0]
            rating = await uow.client_loop.add_rating(org_id, order.id, client.id, first, now)
            if rating is None:
                return None  # asked meanwhile by another run
            telegram = channels[0] is Channel.TELEGRAM and person is not None
            language = person.preferred_language(default_language) if telegram and person else ""
            language = language or org.language or default_language
            language = language if language in LANGUAGES else "en"
            own = [
                t.body
                for t in await uow.client_loop.templates(org_id)
                if t.kind is KIND and t.language == language
            ]
            template = own[0] if own else default(KIND, language)
            assignee = await uow.users.get(order.assignee_id) if order.assignee_id else None
            view = client_order_view(order, client.id, org, settings, assignee, None)
            values = view_values(view, client_first_name(client.name))
            if telegram and person is not None:
                text = render(KIND, template, values)
                new = NewClientMessage(
                    client_id=client.id, direction=Direction.OUT, kind=KIND,
                    channel=Channel.TELEGRAM, body=text, order_id=order.id,
                )  # fmt: skip
                logged = await uow.client_loop.add_message(org_id, new, now)
                await uow.client_loop.set_rating_message(org_id, rating.id, logged.id)
                await uow.commit()
                return RatingAsk(rating.id, org_id, person.telegram_id, language, text, logged.id)
            token = new_page_token()
            expires = now + timedelta(days=PAGE_DAYS)
            await uow.client_loop.add_page(
                org_id, client.id, order.id, hash_token(token), expires, now
            )
            values["page_link"] = f"{base_url.rstrip('/')}/c/{token}"
            payload: dict[str, Any] = {
                "org": org_id, "client": client.id, "order": order.id, "number": order.number,
                "kind": KIND.value, "language": language, "template": template,
                "values": values, "invitation": None, "dedup": f"rating:{order.id}",
                "channels": [c.value for c in channels],
            }  # fmt: skip
            await enqueue_first(
                uow, self._clock, payload, channels, org.timezone, settings.quiet_hours
            )
            await uow.commit()
        return None

    async def rate_in_chat(self, user: User, org_id: int, rating_id: int, stars: int) -> Rated:
        """The client's tap on a star: recorded once; then the next text is the comment."""
        if stars not in STARS:
            raise DomainError("choose_option")
        async with self._uow() as uow:
            link = await uow.client_loop.link_of_user(org_id, user.id)
            rating = await uow.client_loop.rating_by_id(org_id, rating_id)
            if link is None or rating is None or rating.client_id != link.client_id:
                raise DomainError("not_found")
            rated = await self._rate(uow, rating, stars, None, Channel.TELEGRAM)
            await uow.commit()
        return rated

    async def rate_on_page(self, token: str, stars: int, comment: str | None) -> Rated:
        """The Rate form of the order's page: stars and the comment at once."""
        comment = (comment or "").strip() or None
        if stars not in STARS:
            raise DomainError("choose_option")
        if comment is not None and len(comment) > COMMENT_MAX:
            raise DomainError("text_too_long", limit=COMMENT_MAX, length=len(comment))
        pages = ClientPageService(self._uow, self._clock)
        async with self._uow() as uow:
            access = await pages._access(uow, token)
            rating = await uow.client_loop.rating(access.org.id, access.order.id)
            if rating is None or rating.client_id != access.page.client_id:
                raise DomainError("not_found")
            rated = await self._rate(uow, rating, stars, comment, Channel.PAGE)
            await uow.commit()
        return rated

    async def page_rating(self, token: str) -> Rating | None:
        """The order's rating as its page shows it (None: not asked)."""
        pages = ClientPageService(self._uow, self._clock)
        async with self._uow() as uow:
            access = await pages._access(uow, token)
            rating = await uow.client_loop.rating(access.org.id, access.order.id)
        return rating if rating is not None and rating.client_id == access.page.client_id else None

    async def _rate(
        self, uow: UnitOfWork, rating: Rating, stars: int, comment: str | None, channel: Channel
    ) -> Rated:
        """In the chat the comment comes next (awaited); on the page it came with the stars."""
        awaiting = channel is Channel.TELEGRAM
        now = self._clock.now()
        org_id = rating.organization_id
        done = await uow.client_loop.rate(org_id, rating.id, stars, comment, awaiting, now)
        if done is None:
            fresh = await uow.client_loop.rating_by_id(org_id, rating.id)
            return Rated(fresh or rating, already=True)
        order = await uow.orders.get(org_id, rating.order_id)
        if order is not None:
            data: dict[str, Any] = {"by": "client", "stars": stars}
            if comment:
                data["comment"] = comment
            await uow.orders.add_event(order, None, RATED_EVENT, data, now)
        body = f"{stars}/5" + (f"\n{comment}" if comment else "")
        await _incoming(uow, done, channel, body, now)
        if stars <= LOW:
            await _alert(uow, done, "stars", now)
        return Rated(done)

    async def rating_comment(self, user: User, text: str) -> Rating | None:
        """The linked client's text, if a comment is awaited from them (None: it is not one:
        a message for the organization)."""
        async with self._uow() as uow:
            for link in await uow.client_loop.links_of_user(user.id):
                org_id = link.organization_id
                waiting = await uow.client_loop.awaiting_comment(org_id, link.client_id)
                if waiting is None:
                    continue
                comment = text.strip()[:COMMENT_MAX] or None
                done = await uow.client_loop.close_comment(org_id, waiting.id, comment)
                if done is None:
                    return None
                now = self._clock.now()
                order = await uow.orders.get(org_id, done.order_id)
                if order is not None and comment:
                    data = {"by": "client", "comment": comment}
                    await uow.orders.add_event(order, None, COMMENT_EVENT, data, now)
                if comment:
                    await _incoming(uow, done, Channel.TELEGRAM, comment, now)
                if comment and done.stars is not None and done.stars <= LOW:
                    await _alert(uow, done, "comment", now)
                await uow.commit()
                return done
        return None

    async def skip_comment(self, user: User, org_id: int, rating_id: int) -> bool:
        async with self._uow() as uow:
            link = await uow.client_loop.link_of_user(org_id, user.id)
            rating = await uow.client_loop.rating_by_id(org_id, rating_id)
            if link is None or rating is None or rating.client_id != link.client_id:
                raise DomainError("not_found")
            done = await uow.client_loop.close_comment(org_id, rating_id, None)
            await uow.commit()
        return done is not None

    async def rating_alert(self, org_id: int, rating_id: int, stage: str) -> RatingAlert | None:
        """What the alert job tells (None: the rating or its order is gone)."""
        async with self._uow() as uow:
            rating = await uow.client_loop.rating_by_id(org_id, rating_id)
            order = await uow.orders.get(org_id, rating.order_id) if rating else None
            if rating is None or order is None or rating.stars is None:
                return None
            client = await uow.clients.get(org_id, rating.client_id)
            worker = await uow.users.get(order.assignee_id) if order.assignee_id else None
            leads = await leads_of(uow, org_id, order)
        return RatingAlert(
            order.id, order.number, rating.stars, rating.comment,
            client.name if client else "—", worker.display_name if worker else None,
            leads, stage,
        )  # fmt: skip

    async def client_ratings(self, actor: Actor, client_id: int) -> list[tuple[Rating, int]]:
        """The client's ratings for their card (whoever may open the card)."""
        require(actor, Action.ORDER_WORK_OWN)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.client_loop.client_ratings(actor.organization.id, client_id)


async def _again(uow: UnitOfWork, rating: Rating, default_language: str) -> RatingAsk | None:
    """A repeated job: the Telegram question again only if it never went out."""
    if rating.channel is not Channel.TELEGRAM or rating.message_id is None:
        return None
    org_id = rating.organization_id
    logged = await uow.client_loop.message(org_id, rating.message_id)
    link = await uow.client_loop.link(org_id, rating.client_id)
    if logged is None or logged.status is not DeliveryStatus.QUEUED or link is None:
        return None
    if link.transactional_at is None:  # stopped meanwhile
        return None
    person = await uow.users.get(link.user_id)
    if person is None:
        return None
    language = person.preferred_language(default_language)
    language = language if language in LANGUAGES else "en"
    return RatingAsk(rating.id, org_id, person.telegram_id, language, logged.body, logged.id)


async def _incoming(
    uow: UnitOfWork, rating: Rating, channel: Channel, body: str, now: datetime
) -> None:
    new = NewClientMessage(
        client_id=rating.client_id, direction=Direction.IN, kind=KIND, channel=channel,
        body=body, order_id=rating.order_id, status=DeliveryStatus.DELIVERED,
    )  # fmt: skip
    await uow.client_loop.add_message(rating.organization_id, new, now)


async def _alert(uow: UnitOfWork, rating: Rating, stage: str, now: datetime) -> None:
    payload = {"org": rating.organization_id, "rating": rating.id, "stage": stage}
    key = f"rating_alert:{rating.id}:{stage}"
    await uow.jobs.enqueue(ALERT_JOB, payload, now, rating.organization_id, key)
