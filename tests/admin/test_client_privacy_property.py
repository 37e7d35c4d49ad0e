"""Issue 19: whatever the organization holds, a client's chat never receives another client's
data or a staff-only field. A property test over everything a client can be sent, on SQLite
and PostgreSQL: each generated example is a new organization whose staff, clients and orders
carry unique marker strings wherever the client must not look (the owner's and other staff's
names, the assignee's names beyond the first word of the first name, usernames, the client
card's notes, another client's name, phone, address, e-mail and order, the price when the
organization hides prices), and one client in Telegram and one by SMS or e-mail are taken
through the whole loop: the welcome and consent question, /help and /about, the booking, the
reminders, the move, the cancellation, "on my way", "arrived", the done summary, the payment
link, the receipt, the rating question and a staff member's message, the .ics files, the SMS
texts the SMS.ru peer received, the e-mails (subject, text, attachments) the SMTP peer
received, and the client page. No marker may appear in any of it, in Russian or English.

The Telegram texts are built by the presentation's own functions (`client_text`, the
payment, rating and reminder jobs run with a recording bot, `welcome_text`); the SMS and
e-mail ones are what the real adapters sent to the local peers; the page is the admin app's
answer over HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.client_loop.model import MessageKind, Purpose
from core.client_loop.payments import TERMINAL_SECRET, OrgTerminal, terminal_json
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.client_loop.templates import render
from core.dialogs.engine import DialogInput
from core.domain import Role, TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.outcomes import ClientMessaged
from core.runtime.jobs import JobRunner
from handlers.client_loop.chat import about_text, help_text
from handlers.client_loop.client_bot import SharedOnly
from handlers.client_loop.confirm import client_text, fitted
from handlers.client_loop.payments import payment_jobs
from handlers.client_loop.ratings import rating_jobs
from handlers.client_loop.welcome import consent_question, welcome_text
from handlers.formatting import money
from handlers.i18n import Catalogs
from integrations.ical import invitation_ics
from integrations.sms_ru import HttpSmsRu
from integrations.smtp import SmtpMailSender
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms import SmsRuPeer
from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue
from tests.admin.support import PASSWORD, PUBLIC, TERMINAL
from tests.support import onboard

NOON = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
_ids = count(880_000)
_phones = count(1000)


class RecordingBot:
    """What the jobs send in Telegram, by chat: texts, captions and button labels/URLs."""

    def __init__(self) -> None:
        self.sent: dict[int, list[str]] = {}
        self._ids = count(1)

    def _keep(self, chat_id: int, *parts: object, markup: Any = None) -> SimpleNamespace:
        texts = [str(p) for p in parts if p]
        for row in markup.inline_keyboard if markup is not None else ():
            texts += [f"{b.text} {b.url or ''} {b.callback_data or ''}" for b in row]
        self.sent.setdefault(chat_id, []).extend(texts)
        return SimpleNamespace(message_id=next(self._ids))

    async def send_message(self, chat_id: int, text: str, reply_markup: Any = None, **_: Any):
        return self._keep(chat_id, text, markup=reply_markup)

    async def send_photo(self, chat_id: int, photo: str, caption: str | None = None, **kw: Any):
        return self._keep(chat_id, caption, markup=kw.get("reply_markup"))

    async def send_media_group(self, chat_id: int, media: Any, **_: Any):
        return [self._keep(chat_id)]


@dataclass
class Loop:
    services: Any
    web: httpx.AsyncClient
    runner: JobRunner
    bot: RecordingBot
    sms: SmsRuPeer
    mail: MailPeer
    clock: Any

    async def run_jobs(self) -> None:
        for _ in range(200):
            if not await self.runner.run_once():
                return
        raise AssertionError("the jobs never ran out")


@pytest.fixture
async def loop(container, client, clock, db_url):
    clock.set(NOON)
    engine = create_engine(db_url)
    services = container.services
    bot = RecordingBot()
    catalogs = Catalogs()
    async with httpx.AsyncClient() as http, SmsRuPeer(api_id="sms-key") as sms, MailPeer() as mail:
        sms.balance = Decimal(10**6)  # every example's SMS are paid for

        def gateway(_settings):
            return HttpSmsRu(http, _settings.key, base_url=sms.base_url)

        delivery = services.client_loop.delivery(
            services.org_settings.credential_in, gateway, SmtpMailSender, invitation_ics,
            public_url=PUBLIC,
        )  # fmt: skip
        handlers = {
            **delivery.handlers(),
            **payment_jobs(SharedOnly(bot), services, catalogs),  # type: ignore[arg-type]
            **rating_jobs(SharedOnly(bot), services, catalogs, PUBLIC),  # type: ignore[arg-type]
        }
        runner = JobRunner(SqlJobQueue(session_factory(engine)), handlers, clock, "t")
        try:
            yield Loop(services, client, runner, bot, sms, mail, clock)
        finally:
            await engine.dispose()


# Markers: upper-case Latin letters that no shown field, template or date is drawn from.
_mark = st.text(alphabet="QXZJW", min_size=3, max_size=6)
_shown = st.text(alphabet="абвгдежзиклмнопрст", min_size=2, max_size=12)


@dataclass(frozen=True)
class Example:
    language: str
    show_prices: bool
    rubles: int
    by_email: bool
    marks: tuple[str, ...]
    assignee_first: str
    client_first: str
    work: str


examples = st.builds(
    Example,
    language=st.sampled_from(["ru", "en"]),
    show_prices=st.booleans(),
    rubles=st.integers(min_value=81_000, max_value=89_999),
    by_email=st.booleans(),
    marks=st.lists(_mark, min_size=16, max_size=16),
    assignee_first=_shown,
    client_first=_shown,
    work=_shown,
)


def _marks(example: Example) -> list[str]:
    """Distinct markers: each drawn one with its position, so no two are the same."""
    return [f"QJ{i:02d}{m}" for i, m in enumerate(example.marks)]


async def _person(services, first: str, last: str | None, username: str | None, language: str):
    profile = TelegramProfile(next(_ids), first, last, username, language)
    await onboard(services, profile, language)
    return await services.users.identify(profile)


async def _staff(services, owner, role: Role, first: str, last: str, username: str, lang: str):
    token = (await services.invites.create(owner, role)).token
    profile = TelegramProfile(next(_ids), first, last, username, lang)
    actor = await onboard(services, profile, lang)
    await services.invites.accept(actor, token)
    return await services.users.identify(profile)


def _phone(prefix: str = "+7916") -> str:
    return f"{prefix}{next(_phones):07d}"


async def _world(loop: Loop, ex: Example, m: list[str]):
    """A new organization: its owner, an assignee, a manager, a Telegram client, an
    SMS or e-mail client and another client, each order booked for tomorrow."""
    s, lang = loop.services, ex.language
    owner = await _person(s, m[0], m[1], m[2], lang)
    chat = owner.user.telegram_id
    for answer in (
        DialogInput(text="Чистый дом"),
        DialogInput(choice="Europe/Moscow"),
        DialogInput(choice="RUB"),
    ):
        await s.dialogs.answer(owner, chat, answer)
    owner = await s.users.identify(TelegramProfile(chat, m[0], m[1], m[2], lang))
    org = owner.organization
    await s.org_settings.update_profile(
        owner, name=org.name, timezone=org.timezone, currency=org.currency, language=lang
    )
    owner = await s.users.identify(TelegramProfile(chat, m[0], m[1], m[2], lang))
    assignee = await _staff(s, owner, Role.WORKER, f"{ex.assignee_first} {m[3]}", m[4], m[5], lang)
    await _staff(s, owner, Role.MANAGER, m[6], m[7], m[8], lang)
    settings = await s.client_loop.settings(owner)
    await s.client_loop.update_settings(
        owner,
        replace(
            settings, show_prices=ex.show_prices, quiet_hours=False, rating_delay_minutes=0,
            reminder_2h=True, arrived_elsewhere=True,
        ),
    )  # fmt: skip
    await s.org_settings.store_secret(
        owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key"))
    )
    server = smtp_settings(
        "127.0.0.1", loop.mail.port, "none", "office@chisty.example", "Чистый дом"
    )
    await s.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
    await s.org_settings.store_secret(
        owner, TERMINAL_SECRET, terminal_json(OrgTerminal(TERMINAL, PASSWORD))
    )
    when = loop.clock.now() + timedelta(days=1)
    price = ex.rubles * 100

    async def book(name, phone, address, notes, work, email=None):
        client = await s.clients.create(owner, name, phone, address, notes)
        if email is not None:
            async with s.client_loop._uow() as uow:
                await uow.client_loop.set_client_email(org.id, client.id, email, loop.clock.now())
                await uow.commit()
        draft = OrderDraft(
            client.id, address=address, price_minor=price, scheduled_at=when, description=work
        )
        order = await s.orders.create(owner, draft)
        await s.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=assignee.user.id)
        return client, await s.orders.raw(org.id, order.id)

    other = await book(
        f"{m[9]} Петров", _phone("+7903"), f"ул. {m[10]}, 1", m[11], m[12],
        f"{m[13].lower()}@other.example",
    )  # fmt: skip
    telegram = await book(f"{ex.client_first} Иванова", _phone(), "ул. Тихая, 5", m[14], ex.work)
    phone = _phone() if not ex.by_email else "+74951234567"  # a landline: e-mail then
    elsewhere = await book(
        f"{ex.client_first} Смирнова", phone, "ул. Лесная, 7", m[15], ex.work,
        "anna.client@example.org",
    )  # fmt: skip
    return owner, assignee, other, telegram, elsewhere


async def _telegram_client(loop: Loop, owner, client, order, language: str) -> tuple[int, list]:
    """Link the client's Telegram and collect what the chat shows on the way in."""
    s, catalogs = loop.services, Catalogs()
    t = catalogs.get(language)
    issued = await s.client_loop.invite(owner, client.id, order.id)
    person = (await _person(s, client.name.split()[0], None, None, language)).user
    redeemed = await s.client_loop.redeem(person, issued.token)
    org_id = owner.organization.id
    view = await s.client_loop.order_view(org_id, client.id, redeemed.order_id)
    links = await s.client_loop.client_of(person.id)
    org = next(o for _, o in links if o.id == org_id)
    seen = [welcome_text(t, org, view), consent_question(t), help_text(t, links)]
    seen.append(about_text(t, links))
    await s.client_loop.answer_consent(person, org_id, Purpose.TRANSACTIONAL, True)
    return person.telegram_id, seen


async def _order_messages(loop: Loop, order, telegram: bool) -> list[str]:
    """Booked, the reminders, on my way, arrived: the Telegram text and .ics, or queued for
    SMS/e-mail (sent by the jobs to the peers)."""
    s, seen = loop.services, []
    kinds = [
        MessageKind.CONFIRMATION, MessageKind.REMINDER, MessageKind.REMINDER_2H,
        MessageKind.ON_MY_WAY, MessageKind.ARRIVED,
    ]  # fmt: skip
    for kind in kinds:
        draft = await s.client_loop.kind_message(order, kind, "en")
        assert draft is not None and draft.telegram is telegram, kind
        seen += await _one(loop, draft)
    return seen


async def _one(loop: Loop, draft) -> list[str]:
    t = Catalogs().get(draft.language)
    if draft.kind is MessageKind.ON_MY_WAY:
        draft = replace(draft, values={**draft.values, "eta": "15 min"})
    price = draft.view.price_minor
    amount = money(t, price, draft.view.currency) if price is not None else None
    if not draft.telegram:
        assert await loop.services.client_loop.queue_elsewhere(draft, amount)
        await loop.run_jobs()
        return []
    if draft.kind in (MessageKind.ON_MY_WAY, MessageKind.ARRIVED):  # as the trip handler does
        text = fitted(render(draft.kind, draft.template, {**draft.values, "amount": None}))
    else:
        text = client_text(draft, amount)
    ics = invitation_ics(draft.invitation).decode().replace("\r\n ", "")
    return [text, ics]


async def _move_and_finish(loop: Loop, owner, order, telegram: bool) -> list[str]:
    """Moved (the client's message and .ics), done (summary, payment link), paid in cash
    (receipt), the rating question, a staff member's message; then a cancelled copy."""
    s, seen = loop.services, []
    org_id = owner.organization.id
    later = order.scheduled_at + timedelta(hours=2)
    await s.orders.act(owner, order.id, OrderAction.RESCHEDULE, scheduled_at=later)
    moved = await s.orders.raw(org_id, order.id)
    draft = await s.client_loop.order_message(moved, "reschedule", "en", order.scheduled_at)
    assert draft is not None
    seen += await _one(loop, draft)
    cancelled = await s.client_loop.kind_message(moved, MessageKind.CANCELLED, "en")
    assert cancelled is not None
    seen += await _one(loop, replace(cancelled, values={**cancelled.values, "reason": "-"}))
    await s.orders.act(owner, order.id, OrderAction.START)
    await s.orders.act(owner, order.id, OrderAction.DONE)
    done = await s.orders.raw(org_id, order.id)
    await s.client_payments.request_link(done)  # as the handler of Done does
    await loop.run_jobs()  # the summary and the payment link
    await s.orders.act(
        owner, order.id, OrderAction.PAY, amount_minor=done.price_minor, method="cash"
    )
    await s.client_payments.on_site(await s.orders.raw(org_id, order.id))  # as the handler
    await loop.run_jobs()  # the receipt, the rating question
    target = await s.client_loop.card_target(owner, order.id)
    chat = owner.user.telegram_id
    await s.dialogs.start(owner, chat, target.flow, target)
    sent = await s.dialogs.answer(owner, chat, DialogInput(text="Будем в 10:00"))
    assert isinstance(sent, ClientMessaged)
    if telegram:
        seen.append(sent.text)
    await loop.run_jobs()
    return seen


async def _page(loop: Loop, owner, client, order) -> list[str]:
    issued = await loop.services.client_loop.issue_page(owner.organization.id, client.id, order.id)
    pages = []
    for language in ("ru", "en"):
        answer = await loop.web.get(f"/c/{issued.token}?lang={language}")
        assert answer.status_code == 200
        pages.append(answer.text)
    return pages


def _mail_texts(mail) -> list[str]:
    found = [mail.subject, mail.text() or "", mail.text("html") or "", str(mail.message["From"])]
    found += [
        data.decode(errors="replace").replace("\r\n ", "") for _, _, data in mail.attachments()
    ]
    return found


def _leaks(texts: list[str], secrets: list[str]) -> list[tuple[str, str]]:
    joined = [(text, re.sub(r"(?<=\d)[\s\u00a0\u202f,.](?=\d)", "", text)) for text in texts]
    return [
        (secret, text[:200])
        for secret in secrets
        for text, digits in joined
        if secret in text or secret in digits
    ]


@pytest.mark.timeout(300)  # six organizations through the whole loop, twice on PostgreSQL
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking a whole organization takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ex=examples)
async def test_a_clients_messages_never_carry_another_clients_data_or_staff_only_fields(loop, ex):
    loop.clock.set(NOON)
    m = _marks(ex)
    owner, assignee, other, telegram, elsewhere = await _world(loop, ex, m)
    (other_client, other_order), (tg_client, tg_order), (far_client, far_order) = (
        other, telegram, elsewhere,
    )  # fmt: skip
    chat_id, tg_seen = await _telegram_client(loop, owner, tg_client, tg_order, ex.language)
    tg_seen += await _order_messages(loop, tg_order, telegram=True)
    tg_seen += await _page(loop, owner, tg_client, tg_order)
    await _order_messages(loop, far_order, telegram=False)
    far_seen = await _page(loop, owner, far_client, far_order)
    tg_seen += await _move_and_finish(loop, owner, tg_order, telegram=True)
    await _move_and_finish(loop, owner, far_order, telegram=False)
    tg_seen += loop.bot.sent.pop(chat_id, [])
    tg_seen += await _page(loop, owner, tg_client, tg_order)  # done and paid
    far_seen += await _page(loop, owner, far_client, far_order)
    if ex.by_email:
        mails = loop.mail.for_recipient("anna.client@example.org")
        far_seen += [text for mail in mails for text in _mail_texts(mail)]
        loop.mail.clear()
    else:
        far_seen += [sms.text for sms in loop.sms.received(far_client.phones[0])]

    # Everything the loop was meant to send did arrive (else the property proves nothing).
    words = {
        "ru": ("записан", "напоминаем", "ждите", "в пути", "на месте", "перенесён", "отменён",
               "выполнена", "оплатите", "получена", "Оцените", "Будем в 10:00"),
        "en": ("booked", "reminder", "we will be with you", "on the way", "has arrived", "moved",
               "cancelled", "work is done", ": pay ", "received", "Rate the visit",
               "Будем в 10:00"),
    }[ex.language]  # fmt: skip
    for seen in (tg_seen, far_seen):
        everything = "\n".join(seen)
        missing = [w for w in words if w not in everything]
        assert not missing, (missing, seen is tg_seen)
    assert any(ex.assignee_first in text for text in tg_seen)  # the first name is shown

    secrets = [*m, other_client.phones[0], other_client.phones[0][2:]]
    secrets += [other_client.name, f"{m[13].lower()}@other.example", other_order.description]
    secrets.append(assignee.user.username or "-")
    shown_prices = [str(ex.rubles)] if not ex.show_prices else []
    money_kinds = ("оплатите", "получена", "Оплатить", "pay ", "Pay ", "received", "Left to pay")
    for seen in (tg_seen, far_seen):
        assert _leaks(seen, secrets) == []
        # a hidden price shows nowhere but in the payment link and the receipt themselves
        priced = [text for text in seen if not any(k in text for k in money_kinds)]
        assert _leaks(priced, shown_prices) == []
