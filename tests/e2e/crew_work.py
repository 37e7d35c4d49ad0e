"""What each person of tests/e2e/test_kill_many.py does: a creator's /neworder through to the
order assigned or offered to all, a worker's take, start, photo, done and payment. Each step
waits for its reaction in the person's own chat (tests/e2e/crew.py)."""

from __future__ import annotations

import struct
import zlib

from tests.e2e.crew import Order, Person, has, number_of

TEXTS = {
    "en": {
        "photo": "📎 Saved to order №",
        "paid?": "Was a payment received?",
        "how much": "How much was received?",
        "how": "How was it paid?",
        "saved": "Saved: order №",
    },
    "ru": {
        "photo": "📎 Сохранено в заказ №",
        "paid?": "Оплату получили?",
        "how much": "Сколько получено?",
        "how": "Как оплатили?",
        "saved": "Сохранено: заказ №",
    },
}


async def create(p: Person, o: Order, workers: dict[str, Person]) -> None:
    """/neworder through to the order assigned to its worker or offered to all."""
    await p.say("/neworder", has("Кто клиент"), "the client question")
    await p.say(o.phone, has("Как его зовут"), "the name question")
    await p.say(o.client, has("Адрес?"), "the address question")
    kinds = await p.say(o.address, has("Что за работа", label="Уборка"), "the kinds of work")
    when = await p.tap_for("Уборка", kinds, has("Когда?", label="Без даты"), "the date question")
    price = await p.tap_for("Без даты", when, has("Цена?", label="Пропустить"), "the price")
    about = has("Что нужно знать", label="Пропустить")
    if o.price is None:
        told = await p.tap_for("Пропустить", price, about, "the description question")
    else:
        told = await p.say(str(o.price), about, "the description question")
    check = await p.tap_for("Пропустить", told, has("Проверьте", label="✅ Создать"), "the check")
    since = await p.tap("✅ Создать", check, new=2)
    await p.expect(since, has("создан", o.client), "the order created")
    card = await p.expect(since, has(o.client, label="👷 Назначить"), "the order's card")
    whom = await p.tap_for("👷 Назначить", card, has("Кому назначить"), "whom to assign")
    if o.offer:
        for worker in workers.values():
            p.tally.owed[worker.chat] += 1  # the offer
        await p.tap("📣 Предложить всем", whom)
        offered = ("Предложен", f"👷 {o.worker}")  # or taken already
        await p.showing(o.client, lambda m: any(s in m.text for s in offered), "offered")
    else:
        p.tally.owed[workers[o.worker].chat] += 1  # the order's card
        await p.tap(next(x for x in whom.labels if x.startswith(f"{o.worker} ·")), whom)
        await p.showing(o.client, has(f"👷 {o.worker}"), "assigned")


async def work(p: Person, o: Order) -> None:
    """Take (if offered), start, a photo, done, the payment in cash."""
    t = TEXTS[p.language]
    start = p.label("start")
    if o.offer:
        offer = await p.expect(0, has("📣", o.client), "the offer")
        await p.tap(p.label("take"), offer)
        card = await p.showing(o.client, lambda m: start in m.labels, "taken")
    else:
        card = await p.expect(0, has("👷", o.client, label=start), "the new order")
    number = number_of(card)
    await p.tap(start, card)
    card = await p.showing(o.client, has("🔧"), "started")
    await p.photo(png(o.k), has(f"{t['photo']}{number}:"), "the photo saved")
    asked = has(t["paid?"])
    question = await p.tap_for(p.label("done"), card, asked, "the payment question")
    record = next(x for x in question.labels if x.startswith("💰"))
    how_much = has(f"№{number}", t["how much"])
    amount = await p.tap_for(record, question, how_much, "the amount question")
    how = has(t["how"], label=p.label("cash"))
    if amount.labels:  # the unpaid rest of the price
        method = await p.tap_for(amount.labels[0], amount, how, "the method question")
    else:
        method = await p.say(str(o.paid), how, "the method question")
    await p.tap_for(p.label("cash"), method, has(f"{t['saved']}{number}."), "the payment saved")


def png(seed: int) -> bytes:
    """A real 2×2 PNG, distinct per seed."""
    raw = b"".join(b"\x00" + bytes([seed % 256, (seed * 7) % 256, 90] * 2) for _ in range(2))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + (chunk(b"IEND", b""))
    )
