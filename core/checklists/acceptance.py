"""The client accepts the work on the client page `/c/<token>` (issue 20, item 8): with their
name typed, or with a signature drawn on the page (a PNG kept in the file store). The same
page opened on the assignee's phone (`staff`) records that it was collected there."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from core.checklists.model import Acceptance, AcceptanceMethod, OrderPaperwork
from core.checklists.rules import checked_signature
from core.checklists.service import accept
from core.client_loop.page import page_access
from core.client_loop.tokens import hash_token, new_page_token, page_expiry
from core.domain import Actor, OrderStatus
from core.errors import DomainError
from core.orders.cards import visible_order
from core.permissions import Action, allowed
from core.ports import Clock, UowFactory
from core.service_ports import FileStore


@dataclass(frozen=True, slots=True)
class PageAcceptance:
    """What the page shows: the form (`accepted` None) or the acceptance given."""

    order_id: int
    accepted: Acceptance | None


def signature_key(org_id: int, order_id: int) -> str:
    return f"signatures/{org_id}/{order_id}-{secrets.token_hex(8)}.png"


class PageAcceptances:
    def __init__(
        self, uow: UowFactory, clock: Clock, store: FileStore, public_url: str | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._store = store
        self._public_url = public_url.rstrip("/") if public_url else None

    async def staff_link(self, actor: Actor, order_id: int) -> str:
        """The order's page for the assignee (or a lead) to hand their phone to the client:
        a new page token, `?staff=1` so the acceptance says where it was collected."""
        async with self._uow() as uow:
            order = await visible_order(uow, actor, order_id)
            lead = allowed(actor.role, Action.ORDER_ASSIGN)
            if order.assignee_id != actor.user.id and not lead:
                raise DomainError("forbidden")
            if order.status is not OrderStatus.DONE or order.client_id is None:
                raise DomainError("acceptance_not_done", number=order.number)
            if self._public_url is None:
                raise DomainError("acceptance_no_page")
            token, now = new_page_token(), self._clock.now()
            await uow.client_loop.add_page(
                order.organization_id,
                order.client_id,
                order.id,
                hash_token(token),
                page_expiry(order, now),
                now,
            )
            await uow.commit()
        return f"{self._public_url}/c/{token}?staff=1"

    async def paperwork(self, org_id: int, order_id: int) -> OrderPaperwork:
        """The order's checklist answers and acceptance, for the service report and the
        invoice (background work that may read the order; docs/checklists.md)."""
        async with self._uow() as uow:
            return await uow.checklists.paperwork(org_id, order_id)

    async def by_telegram(self, user_id: int, org_id: int, order_id: int) -> Acceptance:
        """The client's "I accept the work" under the done message: only the order's own
        linked client (`client_button_foreign` for anyone else)."""
        async with self._uow() as uow:
            link = await uow.client_loop.link_of_user(org_id, user_id)
            order = await uow.orders.get(org_id, order_id) if link is not None else None
            if link is None or order is None or order.client_id != link.client_id:
                raise DomainError("client_button_foreign")
            got = await accept(uow, self._clock, order, AcceptanceMethod.TELEGRAM)
            await uow.commit()
            return got

    async def page_state(self, token: str) -> PageAcceptance | None:
        """None: nothing to accept (the order is not done)."""
        async with self._uow() as uow:
            access = await page_access(uow, token, self._clock.now())
            order = access.order
            if order.status is not OrderStatus.DONE:
                return None
            paper = await uow.checklists.paperwork(order.organization_id, order.id)
            return PageAcceptance(order.id, paper.acceptance)

    async def on_page(
        self, token: str, name: str, signature: bytes | None, staff: bool = False
    ) -> Acceptance:
        """Accept with the typed name; with a drawn signature (checked to be a real PNG under
        the size cap) the method is `signature` and the PNG is stored first, removed again
        when the acceptance is refused."""
        png = checked_signature(signature) if signature is not None else None
        async with self._uow() as uow:
            access = await page_access(uow, token, self._clock.now())
            order = access.order
            key = None
            if png is not None:
                key = signature_key(order.organization_id, order.id)
                await self._store.put(key, png, "image/png")
            method = AcceptanceMethod.SIGNATURE if key else AcceptanceMethod.NAME
            try:
                got = await accept(
                    uow,
                    self._clock,
                    order,
                    method,
                    name=name,
                    signature_key=key,
                    on_staff_device=staff,
                )
                await uow.commit()
            except DomainError:
                if key is not None:
                    await self._store.delete(key)
                raise
            return got
