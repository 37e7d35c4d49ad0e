"""Checklists and acceptance on both databases (core/checklists, storage/checklists.py):
a category's checklist is copied onto an order when it is made and when its category changes,
a later change of the template leaves the order's copy alone; the worker answers tick, number
and photo items; Done is refused listing what is missing (with the photo rule) until it is
complete; a series' visit gets the template order's checklist; the client accepts once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.changes import NewAttachment
from core.checklists.done import copy_checklist
from core.checklists.model import AcceptanceMethod, ItemKind, NewItem
from core.checklists.rules import fingerprint
from core.checklists.service import ChecklistService, accept, add_item
from core.dialogs.checklist_data import ChecklistPhotoData
from core.dialogs.engine import DialogInput
from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.outcomes import ChecklistAnswered, Reask
from tests.integration.test_client_loop_storage import _member
from tests.privacy_support import open_world
from tests.support import owner_with_org, profile_of

ITEMS = (
    NewItem(text="Осмотр  фильтра", required=True),
    NewItem(text="Показания счётчика", kind=ItemKind.NUMBER, required=True, unit="кВт·ч"),
    NewItem(text="Фото узла", kind=ItemKind.PHOTO, required=True),
    NewItem(text="Совет клиенту"),
)


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _setup(w, clock):
    services = w.services
    owner = await owner_with_org(services)
    worker = await _member(w, owner, Role.WORKER, "Иван")
    manager = await _member(w, owner, Role.MANAGER, "Мария")
    lists = ChecklistService(w.uow, clock)
    async with w.uow() as uow:
        first, second = (await uow.categories.listing(owner.organization.id))[:2]
    assert await lists.define(manager, first.id, ITEMS) == 4
    with pytest.raises(DomainError) as refused:
        await lists.define(worker, first.id, ITEMS)
    assert refused.value.code == "forbidden"
    client = await services.clients.create(owner, "Пётр Сидоров", "+79165550001", None, None)
    draft = OrderDraft(
        client.id, scheduled_at=clock.now() + timedelta(hours=3), category_id=first.id
    )
    order = await services.orders.create(owner, draft)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await services.orders.act(worker, order.id, OrderAction.START)
    return owner, worker, lists, order, (first, second)


async def _photo(w, clock, order, by) -> int:
    async with w.uow() as uow:
        new = NewAttachment(
            order_id=order.id,
            kind="photo",
            storage_key="k",
            sha256="0" * 64,
            size=1,
            mime="image/jpeg",
            created_by=by,
        )
        added = await uow.attachments.add(order.organization_id, clock.now(), new)
        await uow.commit()
    return added.id


async def test_done_lists_what_is_missing_until_the_checklist_is_complete(w, clock):
    owner, worker, lists, order, (first, _) = await _setup(w, clock)
    answers = await lists.answers(worker, order.id)
    assert [i.text for i in answers.items] == [
        "Осмотр фильтра",
        "Показания счётчика",
        "Фото узла",
        "Совет клиенту",
    ]
    assert answers.items[1].unit == "кВт·ч" and (answers.ticked, answers.total) == (0, 4)
    # a later change of the category's checklist leaves this order's copy as it was
    await lists.define(owner, first.id, (NewItem(text="Другое"),))
    assert (await lists.answers(worker, order.id)).total == 4

    owner = await w.services.users.identify(profile_of(owner))
    await w.services.team.set_photos_required(owner, 2)
    worker = await w.services.users.identify(profile_of(worker))
    with pytest.raises(DomainError) as refused:
        await w.services.orders.act(worker, order.id, OrderAction.DONE)
    assert refused.value.code == "checklist_incomplete_photos"
    assert refused.value.params["items"] == ("• Осмотр фильтра\n• Показания счётчика\n• Фото узла")
    assert (refused.value.params["have"], refused.value.params["required"]) == (0, 2)

    tick, meter, photo_item, _ = answers.items
    assert (await lists.answer(worker, order.id, tick.id)).done
    with pytest.raises(DomainError) as refused:
        await lists.answer(worker, order.id, meter.id, number="двенадцать")
    assert refused.value.code == "checklist_number"
    read = await lists.answer(worker, order.id, meter.id, number="12 345,6")
    assert read.number == "12345.6" and read.done_by == worker.user.id
    with pytest.raises(DomainError) as refused:
        await lists.answer(worker, order.id, photo_item.id)
    assert refused.value.code == "checklist_photo"
    shot = await _photo(w, clock, order, worker.user.id)
    assert (await lists.answer(worker, order.id, photo_item.id, attachment_id=shot)).done

    with pytest.raises(DomainError) as refused:  # the checklist is complete, photos are not
        await w.services.orders.act(worker, order.id, OrderAction.DONE)
    assert refused.value.code == "photos_required" and refused.value.params["missing"] == 1
    await _photo(w, clock, order, worker.user.id)
    # unticking a required item blocks Done again
    await lists.answer(worker, order.id, tick.id)
    with pytest.raises(DomainError) as refused:
        await w.services.orders.act(worker, order.id, OrderAction.DONE)
    assert refused.value.code == "checklist_incomplete"
    assert refused.value.params["items"] == "• Осмотр фильтра"
    await lists.answer(worker, order.id, tick.id)
    await w.services.orders.act(worker, order.id, OrderAction.DONE)

    paper = await lists.paperwork(order.organization_id, order.id)
    assert paper.acceptance is None and paper.checklist.ticked == 3
    assert paper.checklist.items[2].attachment_id == shot


async def test_the_photo_question_takes_a_photo_of_its_order(w, clock):
    """The conversation `checklist_photo` (core/checklists/flow.py): only a photo item starts
    it; typed text asks again; a photo of another order is refused and the question stays;
    a photo of the order answers the item and ends the conversation, with the count."""
    owner, worker, lists, order, _ = await _setup(w, clock)
    tick, _, photo_item, _ = (await lists.answers(worker, order.id)).items
    dialogs, chat = w.services.dialogs, 4242
    with pytest.raises(DomainError) as wrong:
        await dialogs.start(
            worker, chat, "checklist_photo", ChecklistPhotoData(order_id=order.id, item_id=tick.id)
        )
    assert wrong.value.code == "not_found"
    start = ChecklistPhotoData(order_id=order.id, item_id=photo_item.id)
    asked = await dialogs.start(worker, chat, "checklist_photo", start)
    assert asked.state.data.number == order.number and asked.state.data.text == "Фото узла"
    typed = await dialogs.answer(worker, chat, DialogInput(text="вот"))
    assert isinstance(typed, Reask) and typed.error.code == "checklist_photo"

    elsewhere = await w.services.orders.create(owner, OrderDraft(None, description="Другой"))
    foreign = await _photo(w, clock, elsewhere, owner.user.id)
    with pytest.raises(DomainError) as refused:
        await dialogs.answer(worker, chat, DialogInput(photo=foreign))
    assert refused.value.code == "checklist_photo"
    assert await dialogs.current(worker, chat) is not None  # still asked
    assert not (await lists.answers(worker, order.id)).items[2].done

    shot = await _photo(w, clock, order, worker.user.id)
    saved = await dialogs.answer(worker, chat, DialogInput(photo=shot))
    assert isinstance(saved, ChecklistAnswered)
    assert (saved.photo, saved.text, saved.ticked, saved.total) == (True, "Фото узла", 1, 4)
    assert await dialogs.current(worker, chat) is None
    item = (await lists.answers(worker, order.id)).items[2]
    assert item.attachment_id == shot and item.done_by == worker.user.id


async def test_a_category_checklist_is_edited_item_by_item(w, clock):
    """/checklist's use cases: the overview counts items per category; an item added goes
    at the end (through the add conversation's function), one removed leaves the rest in
    order; a 31st item, an unknown category or item, and a worker are refused; an order
    made earlier keeps its copy."""
    owner, worker, lists, order, (first, second) = await _setup(w, clock)
    counts = {f.category.id: len(f.items) for f in await lists.overview(owner)}
    assert counts[first.id] == 4 and counts[second.id] == 0
    extra = NewItem(text="Замер  давления", kind=ItemKind.NUMBER, required=True, unit="бар")
    async with w.uow() as uow:
        added = await add_item(uow, clock, owner, first.id, extra)
        await uow.commit()
    assert [i.text for i in added.items][-1] == "Замер давления"
    assert (added.items[-1].unit, added.items[-1].required) == ("бар", True)
    middle = added.items[1]
    kept = await lists.remove(owner, first.id, middle.id)
    assert [i.text for i in kept.items] == [
        "Осмотр фильтра", "Фото узла", "Совет клиенту", "Замер давления",
    ]  # fmt: skip
    assert (await lists.category(owner, first.id)).items == kept.items
    now_first = kept.items[0]
    stale = fingerprint(middle.text)  # a button drawn before the list changed
    for category, item, text_print in (
        (first.id, now_first.id, stale),
        (second.id, now_first.id, None),
        (999, 1, None),
    ):
        with pytest.raises(DomainError) as gone:
            await lists.remove(owner, category, item, text_print)
        assert gone.value.code == "not_found"
    with pytest.raises(DomainError) as refused:
        await lists.remove(worker, first.id, kept.items[0].id)
    assert refused.value.code == "forbidden"
    await lists.define(owner, second.id, [NewItem(text=f"П{n}") for n in range(30)])
    async with w.uow() as uow:
        with pytest.raises(DomainError) as full:
            await add_item(uow, clock, owner, second.id, NewItem(text="Лишний"))
    assert full.value.code == "checklist_items_range"
    assert len((await lists.answers(worker, order.id)).items) == 4  # the order's own copy


async def test_the_category_changing_replaces_the_checklist(w, clock):
    owner, worker, lists, order, (_, second) = await _setup(w, clock)
    await lists.define(owner, second.id, (NewItem(text="Проверить давление", required=True),))
    await w.services.orders.act(
        owner, order.id, OrderAction.EDIT, field="category", value=second.id
    )
    answers = await lists.answers(worker, order.id)
    assert [i.text for i in answers.items] == ["Проверить давление"]
    other = await owner_with_org(w.services, name="Другая")
    with pytest.raises(DomainError):
        await lists.answers(other, order.id)


async def test_a_series_visit_copies_the_checklist_and_not_the_answers(w, clock):
    owner, worker, lists, order, _ = await _setup(w, clock)
    tick = (await lists.answers(worker, order.id)).items[0]
    await lists.answer(worker, order.id, tick.id)
    plain = await w.services.orders.create(owner, OrderDraft(None))
    async with w.uow() as uow:
        assert await copy_checklist(uow, order.organization_id, order.id, plain.id) == 4
        await uow.commit()
    copied = await lists.answers(owner, plain.id)
    assert copied.total == 4 and copied.ticked == 0


async def test_the_client_accepts_a_done_order_once(w, clock):
    _, worker, _, order, _ = await _setup(w, clock)
    async with w.uow() as uow:
        current = await uow.orders.get(order.organization_id, order.id)
        with pytest.raises(DomainError) as refused:
            await accept(uow, clock, current, AcceptanceMethod.TELEGRAM)
        assert refused.value.code == "acceptance_not_done"
    async with w.uow() as uow:  # an empty checklist of another category: Done is allowed
        await uow.checklists.put_on_order(order.organization_id, order.id, ())
        await uow.commit()
    await w.services.orders.act(worker, order.id, OrderAction.DONE)
    async with w.uow() as uow:
        done = await uow.orders.get(order.organization_id, order.id)
        with pytest.raises(DomainError) as refused:
            await accept(uow, clock, done, AcceptanceMethod.NAME, name="  ")
        assert refused.value.code == "acceptance_name"
        method = AcceptanceMethod.SIGNATURE
        got = await accept(uow, clock, done, method, name="Пётр\u200b С.", signature_key="s/1.png")
        assert got.name == "Пётр С."
        await uow.commit()
    async with w.uow() as uow:
        with pytest.raises(DomainError) as refused:
            await accept(uow, clock, done, AcceptanceMethod.TELEGRAM)
        assert refused.value.code == "already_accepted"
        paper = await uow.checklists.paperwork(order.organization_id, order.id)
        events = await uow.orders.events(order.organization_id, order.id)
    assert paper.acceptance is not None
    assert paper.acceptance.method is AcceptanceMethod.SIGNATURE
    assert paper.acceptance.accepted_at == clock.now()
    assert paper.acceptance.signature_key == "s/1.png"
    accepted = [e for e in events if e.kind == "accepted"]
    assert len(accepted) == 1 and accepted[0].data["method"] == "signature"
