"""Log hygiene: a full scenario seeds personal data (names, phones in several formats, an
e-mail, an address, message and caption text) through the real bot with logging configured as
in production at its most verbose (DEBUG), and no captured log line contains any of it.

(With the libraries' own debug output let through, the same scenario logs thousands of lines
quoting updates word for word: that is what `QUIET_LIBRARIES` prevents.)"""

import contextlib
import logging
import re
from collections.abc import Iterator

import pytest

from bot.logs import QUIET_LIBRARIES, configure_logging
from tests.e2e.privacy_scenario import CLIENT, order_with_photo
from tests.e2e.scenario import invite_link, onboard

SEEDED = (
    *("Агриппина", "Заболоцкая", "Неповторимая", "Евлампий", "Кукушкин", "заболоцкой"),
    *("9165551234", "916 555 12 34", "555-12-34", "555 12 34", "9031112233"),
    *("agrippina.z@example.ru", "фото у", "домофон не работает"),
)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextlib.contextmanager
def captured_logs(redacted: bool = True) -> Iterator[list[str]]:
    """Every log line as production writes it at DEBUG (`redacted=False`: before the filter
    that rewrites tokens, to see what our code itself logs)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIET_LIBRARIES}
    capture = Capture()
    configure_logging("DEBUG", capture)
    if not redacted:
        capture.filters.clear()
    try:
        yield capture.lines
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


@pytest.fixture
def captured():
    with captured_logs() as lines:
        yield lines


async def test_no_log_line_carries_personal_data(captured, crm):
    olga = await order_with_photo(crm, owner_id=977)
    await olga.send("/client Заболоцкая")
    await olga.tap(next(lbl for lbl in (await olga.reply()).labels if CLIENT in lbl))
    await olga.reply()
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(978, "Евлампий", last_name="Кукушкин", language_code="ru")
    await onboard(ivan, "ru", payload=token)
    await ivan.reply()
    await olga.reply()
    await olga.send("/newclient")
    for step in ("Кукушкин", "+7 903 111-22-33", "agrippina.z@example.ru домофон не работает"):
        await olga.reply()
        await olga.send(step)
    await olga.reply()
    await olga.send("ещё текст: 8 (916) 555-12-34, agrippina.z@example.ru")
    await olga.reply()
    await olga.send("/export")
    await olga.reply()
    await olga.reply(timeout=20)
    await olga.send("/forget Заболоцкая")
    await olga.tap(next(lbl for lbl in (await olga.reply()).labels if CLIENT in lbl))
    await olga.tap("Удалить навсегда", message=await olga.reply())
    await ivan.send("/mydata")
    await ivan.reply()
    await ivan.reply(timeout=20)
    await ivan.send("/deleteme")
    await ivan.tap("Удалить мой аккаунт", message=await ivan.reply())
    await ivan.wait_edit(ivan.last().message_id)
    assert any("Application started" in line for line in captured), captured  # installed
    leaks = [
        (value, line)
        for line in captured
        for value in SEEDED
        if re.search(re.escape(value), line, re.IGNORECASE)
    ]
    assert not leaks, leaks[:5]
