"""The kinds of work a member does (service categories; docs/availability.md). A member with
none does every kind. Owners and managers set them on a member's card (those they may
manage); reassign proposals for an order of a kind offer only members who do it."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain import Actor, Category, MemberView
from core.errors import DomainError
from core.permissions import may_manage, require_writable
from core.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class KindsView:
    member: MemberView
    categories: tuple[Category, ...]  # the organization's, in its order
    does: frozenset[int]  # category ids; empty: every kind

    def names(self) -> list[str]:
        return [c.name for c in self.categories if c.id in self.does]


def does(kinds: dict[int, frozenset[int]], user_id: int, category_id: int | None) -> bool:
    """Whether the member does an order of this category (none: any order)."""
    own = kinds.get(user_id)
    return category_id is None or not own or category_id in own


async def kinds_view(uow: UnitOfWork, actor: Actor, membership_id: int) -> KindsView:
    """A member's kinds, for someone who may manage that member (others: not found)."""
    if actor.organization is None:
        raise DomainError("no_organization")
    org_id = actor.organization.id
    member = next(
        (v for v in await uow.members.team(org_id) if v.membership.id == membership_id), None
    )
    if member is None or not may_manage(actor.role, member.membership.role):
        raise DomainError("not_found")
    categories = tuple(await uow.categories.listing(org_id))
    own = (await uow.availability.kinds(org_id, [member.user.id])).get(member.user.id)
    return KindsView(member, categories, own or frozenset())


async def toggle_kind(
    uow: UnitOfWork, actor: Actor, membership_id: int, category_id: int
) -> KindsView:
    """Adds the kind to the member's, or takes it away."""
    require_writable(actor)
    view = await kinds_view(uow, actor, membership_id)
    if all(c.id != category_id for c in view.categories):
        raise DomainError("not_found")
    user_id = view.member.user.id
    adding = category_id not in view.does
    await uow.availability.set_kind(
        view.member.membership.organization_id, user_id, category_id, adding
    )
    does_now = view.does | {category_id} if adding else view.does - {category_id}
    return KindsView(view.member, view.categories, frozenset(does_now))
