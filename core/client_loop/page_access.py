"""Client pages (`/c/<token>`): a token for the page of a client's order, resolving one
(unknown, expired, or the organization's access), closing an order's pages for the grace period
once it is settled, and what the client may see of their order. Also the check every client-loop
use case makes of the client (and their order) it names.
"""

from __future__ import annotations

from core.client_loop.model import IssuedToken, PageAccess
from core.client_loop.setup import ClientLoopSetup
from core.client_loop.tokens import (
    PAGE_GRACE,
    hash_token,
    looks_like_page,
    new_page_token,
    page_expiry,
)
from core.client_loop.views import ClientOrderView, client_order_view
from core.domain import Order, OrgStatus
from core.errors import DomainError
from core.ports import UnitOfWork


async def client_order(
    uow: UnitOfWork, org_id: int, client_id: int, order_id: int | None
) -> Order | None:
    """Check the client (and the order, if given, as theirs) exist in the organization."""
    if await uow.clients.get(org_id, client_id) is None:
        raise DomainError("not_found")
    if order_id is None:
        return None
    order = await uow.orders.get(org_id, order_id)
    if order is None or order.client_id != client_id:
        raise DomainError("not_found")
    return order


class ClientPages(ClientLoopSetup):
    """The client pages of `ClientLoopService`."""

    async def issue_page(self, org_id: int, client_id: int, order_id: int) -> IssuedToken:
        """A token for the client page of the client's order (`/c/<token>`)."""
        token = new_page_token()
        async with self._uow() as uow:
            order = await client_order(uow, org_id, client_id, order_id)
            assert order is not None
            now = self._clock.now()
            expires = page_expiry(order, now)
            page = await uow.client_loop.add_page(
                org_id, client_id, order_id, hash_token(token), expires, now
            )
            await uow.commit()
        return IssuedToken(page.id, token, expires)

    async def resolve_page(self, token: str) -> PageAccess:
        if not looks_like_page(token):
            raise DomainError("client_page_unknown")
        async with self._uow() as uow:
            page = await uow.client_loop.page_by_hash(hash_token(token))
            org = await uow.orgs.get(page.organization_id) if page else None
            if page is None or org is None or org.status is OrgStatus.DELETED:
                raise DomainError("client_page_unknown")
        if page.expires_at <= self._clock.now():
            raise DomainError("client_page_expired")
        return PageAccess(page.organization_id, page.client_id, page.order_id, page.expires_at)

    async def order_closed(self, org_id: int, order_id: int) -> int:
        """The order was settled: its pages open for the grace period more at most."""
        async with self._uow() as uow:
            at = self._clock.now() + PAGE_GRACE
            changed = await uow.client_loop.expire_pages(org_id, order_id, at)
            await uow.commit()
        return changed

    async def order_view(self, org_id: int, client_id: int, order_id: int) -> ClientOrderView:
        """What the client may see of their order (another client's order: not found)."""
        async with self._uow() as uow:
            org = await uow.orgs.get(org_id)
            order = await uow.orders.get(org_id, order_id)
            if org is None or order is None:
                raise DomainError("not_found")
            settings = await uow.client_loop.settings(org_id)
            assignee = await uow.users.get(order.assignee_id) if order.assignee_id else None
            categories = {c.id: c.name for c in await uow.categories.listing(org_id)}
        category = categories.get(order.category_id) if order.category_id else None
        return client_order_view(order, client_id, org, settings, assignee, category)
