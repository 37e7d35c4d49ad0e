"""Workers' availability on both databases (issue 20, item 11): a sick day lists the orders it
leaves with the workers free then (away, off work or busy ones left out, fewest orders that
day first) and one call reassigns; assigning warns of a clash, an absence, hours off; the
client's free times leave out absent workers; the two conversations; hours and absences
stored."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.availability.rules import AwayKind
from core.client_loop.slots import checked_hours
from core.client_loop.visits import free_times
from core.dialogs.engine import DialogInput
from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.outcomes import AwaySaved, HoursSaved, Reask
from tests.support import onboard, owner_with_org, profile, services_for

MSK = ZoneInfo("Europe/Moscow")  # the organization's zone; the clock is Mon 2 March, 12:00


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=MSK).astimezone(UTC)


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _team(services, *names):
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER, uses=10)).token
    workers = []
    for name in names:
        person = profile(name)
        actor = await onboard(services, person)
        await services.invites.accept(actor, token)
        workers.append(await services.users.identify(person))
    return owner, workers


async def _order(services, owner, at, worker=None):
    client = await services.clients.create(owner, "Пётр", None, "ул. Ленина, 1")
    draft = OrderDraft(client.id, address="ул. Ленина, 1", scheduled_at=at)
    order = await services.orders.create(owner, draft)
    if worker is not None:
        change = await services.orders.act(
            owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id
        )
        return change.card.order
    return order


async def _away(services, actor, first, last, kind=AwayKind.VACATION):
    async with services.availability._uow() as uow:
        report = await services.availability.away(uow, actor, kind, first, last)
        await uow.commit()
    return report


async def test_a_sick_day_lists_the_orders_with_free_workers_fewest_orders_first(services):
    owner, (ivan, anna, boris, gleb, dina) = await _team(
        services, "Ivan", "Anna", "Boris", "Gleb", "Dina"
    )
    first = await _order(services, owner, msk(2, 14), ivan)
    second = await _order(services, owner, msk(2, 16), ivan)
    await _order(services, owner, msk(2, 16, 30), boris)  # overlaps the 16:00 one
    await _order(services, owner, msk(2, 10), boris)  # that day, earlier
    await _away(services, gleb, date(2026, 3, 2), date(2026, 3, 6))  # on vacation
    async with services.availability._uow() as uow:  # works evenings only
        await services.availability.set_hours(uow, dina, checked_hours("18:00", "22:00", "12345"))
        await uow.commit()

    report = await services.availability.sick_today(ivan, date(2026, 3, 2))
    assert report.absence.kind is AwayKind.SICK and report.worker.id == ivan.user.id
    assert [a.order.number for a in report.affected] == [first.number, second.number]
    names = [[p.user.first_name for p in a.proposals] for a in report.affected]
    assert names == [["Anna", "Boris"], ["Anna"]]
    assert [p.orders_that_day for p in report.affected[0].proposals] == [0, 2]
    assert [u.id for u in report.leads] == [owner.user.id]

    again = await services.availability.sick_today(ivan, date(2026, 3, 2))  # a second tap
    assert again.absence.id == report.absence.id
    view = await services.availability.view(ivan)
    assert [(a.kind, a.first_day) for a in view.absences] == [(AwayKind.SICK, date(2026, 3, 2))]
    with pytest.raises(DomainError) as refused:
        await services.availability.sick_today(ivan, date(2026, 3, 1))  # yesterday's plan
    assert refused.value.code == "away_plan_over"

    change = await services.availability.reassign(owner, first.id, anna.user.id)
    assert change.card.order.assignee_id == anna.user.id
    with pytest.raises(DomainError):
        await services.availability.reassign(ivan, second.id, anna.user.id)  # a worker cannot


async def test_assigning_warns_of_a_clash_an_absence_and_hours_off(services):
    owner, (anna, ivan) = await _team(services, "Anna", "Ivan")
    busy = await _order(services, owner, msk(2, 14), anna)
    clash = await _order(services, owner, msk(2, 14, 30), anna)
    warning = await services.availability.warning(owner, clash)
    assert warning is not None and [o.number for o in warning.clashes] == [busy.number]
    assert warning.away is None and not warning.outside_hours

    await _away(services, anna, date(2026, 3, 4), date(2026, 3, 6))
    warn = services.availability.warning
    away = await warn(owner, await _order(services, owner, msk(5, 10), anna))
    assert away is not None and away.away is not None and away.away.kind is AwayKind.VACATION
    late = await warn(owner, await _order(services, owner, msk(3, 20), anna))
    assert late is not None and late.outside_hours and not late.clashes
    fine = await warn(owner, await _order(services, owner, msk(3, 10), ivan))
    assert fine is None
    assert await warn(owner, await _order(services, owner, None)) is None


async def test_the_clients_free_times_leave_out_an_absent_assignee(services, uow_factory):
    owner, (ivan,) = await _team(services, "Ivan")
    order = await _order(services, owner, msk(3, 10), ivan)
    org = owner.organization

    async def offered():
        async with uow_factory() as uow:
            return await free_times(uow, org, order, msk(2, 12))

    before = {t.astimezone(MSK).date() for t in await offered()}
    assert date(2026, 3, 3) in before
    await _away(services, ivan, date(2026, 3, 3), date(2026, 3, 4))
    async with services.availability._uow() as uow:  # mornings only
        await services.availability.set_hours(uow, ivan, checked_hours("09:00", "12:00", "12345"))
        await uow.commit()
    after = await offered()
    assert after, "other days are still free"
    assert not {t.astimezone(MSK).date() for t in after} & {date(2026, 3, 3), date(2026, 3, 4)}
    assert all(t.astimezone(MSK).time() <= time(11, 0) for t in after)


async def test_the_conversations_save_hours_and_days_off(services):
    _, (ivan,) = await _team(services, "Ivan")
    chat = ivan.user.telegram_id
    await services.dialogs.start(ivan, chat, "work_hours")
    wrong = await services.dialogs.answer(ivan, chat, DialogInput(text="завтра"))
    assert isinstance(wrong, Reask) and wrong.error.code == "away_hours_invalid"
    saved = await services.dialogs.answer(ivan, chat, DialogInput(text="8-17 1-5,7"))
    assert isinstance(saved, HoursSaved) and saved.hours.day_digits == "123457"
    view = await services.availability.view(ivan)
    assert view.own_hours and (view.hours.start, view.hours.end) == (time(8), time(17))

    await services.dialogs.start(ivan, chat, "time_off")
    past = await services.dialogs.answer(ivan, chat, DialogInput(text="01.03.2026"))
    assert isinstance(past, Reask) and past.error.code == "away_days_past"
    saved_days = await services.dialogs.answer(ivan, chat, DialogInput(text="28.02-02.03"))
    assert isinstance(saved_days, AwaySaved)  # no year: the next 28 February, 2027
    absence = saved_days.report.absence
    assert (absence.first_day, absence.last_day) == (date(2027, 2, 28), date(2027, 3, 2))
    assert saved_days.report.affected == ()


async def test_hours_and_absences_are_stored_and_removed(services, uow_factory):
    owner, (ivan, anna) = await _team(services, "Ivan", "Anna")
    org_id = owner.organization.id
    await _away(services, ivan, date(2026, 3, 10), date(2026, 3, 20))
    await _away(services, anna, date(2026, 3, 21), date(2026, 3, 21))
    async with uow_factory() as uow:
        repo = uow.availability
        both = [ivan.user.id, anna.user.id]
        assert len(await repo.absences(org_id, both, date(2026, 3, 20), date(2026, 3, 21))) == 2
        assert await repo.absences(org_id, both, date(2026, 3, 22), date(2026, 4, 1)) == []
        assert len(await repo.absences(org_id, None, date(2026, 3, 1), date(2026, 3, 10))) == 1
        assert await repo.absences(org_id, [], date(2026, 3, 1), date(2026, 4, 1)) == []
        hours = checked_hours("10:00", "19:00", "246")
        await repo.set_hours(org_id, ivan.user.id, hours, msk(2, 12))
        await repo.set_hours(org_id, ivan.user.id, hours, msk(2, 12))  # again: replaced
        assert await repo.hours(org_id, both) == {ivan.user.id: hours}
        await repo.set_hours(org_id, ivan.user.id, None, msk(2, 12))
        assert await repo.hours(org_id, both) == {}
        await uow.commit()
    view = await services.availability.view(ivan)
    (mine,) = view.absences
    with pytest.raises(DomainError):
        await services.availability.remove(anna, mine.id)  # not hers
    await services.availability.remove(ivan, mine.id)
    assert (await services.availability.view(ivan)).absences == ()


async def _kinds(services, owner):
    async with services.availability._uow() as uow:
        return await uow.categories.listing(owner.organization.id)


async def _membership(services, owner, worker):
    team = await services.team.team(owner)
    return next(v.membership.id for v in team if v.user.id == worker.user.id)


async def test_reassign_proposals_offer_only_workers_who_do_that_kind_of_work(services):
    owner, (ivan, anna, boris, _cleo) = await _team(services, "Ivan", "Anna", "Boris", "Cleo")
    cleaning, repair = (await _kinds(services, owner))[:2]
    for worker, kind in ((anna, repair), (boris, cleaning)):
        view = await services.availability.toggle_kind(
            owner, await _membership(services, owner, worker), kind.id
        )
        assert view.does == {kind.id} and view.names() == [kind.name]
    draft = OrderDraft(
        (await services.clients.create(owner, "Пётр", None, "ул. Ленина, 1")).id,
        address="ул. Ленина, 1",
        scheduled_at=msk(2, 14),
        category_id=cleaning.id,
    )
    kinded = await services.orders.create(owner, draft)
    await services.orders.act(owner, kinded.id, OrderAction.ASSIGN, assignee_id=ivan.user.id)
    plain = await _order(services, owner, msk(2, 16), ivan)  # no kind of work

    report = await services.availability.sick_today(ivan, date(2026, 3, 2))
    names = {a.order.id: [p.user.first_name for p in a.proposals] for a in report.affected}
    assert names == {kinded.id: ["Boris", "Cleo"], plain.id: ["Anna", "Boris", "Cleo"]}


async def test_kinds_of_work_are_toggled_by_who_may_manage_the_member(services):
    owner, (anna, boris) = await _team(services, "Anna", "Boris")
    cleaning = (await _kinds(services, owner))[0]
    anna_card = await _membership(services, owner, anna)
    assert (await services.availability.kinds(owner, anna_card)).does == frozenset()
    await services.availability.toggle_kind(owner, anna_card, cleaning.id)
    again = await services.availability.toggle_kind(owner, anna_card, cleaning.id)  # off again
    assert again.does == frozenset() and again.names() == []
    assert (await services.availability.kinds(owner, anna_card)).does == frozenset()
    for actor, card, kind in (
        (boris, anna_card, cleaning.id),  # a worker manages nobody
        (owner, anna_card, 10**9),  # not a kind of this organization
        (owner, 10**9, cleaning.id),  # not a member
    ):
        with pytest.raises(DomainError) as refused:
            await services.availability.toggle_kind(actor, card, kind)
        assert refused.value.code == "not_found"
