"""Client message templates: which variables each kind may use and must use, validation with
typed problems, rendering, and the built-in texts in English and Russian.

A template is plain text with `{name}` placeholders; `{{` and `}}` stand for literal braces.
Values are plain text too: escaping for HTML (Telegram) is the presentation's business.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

from core.client_loop.model import MessageKind
from core.errors import DomainError

TEMPLATE_MAX = 1000
LANGUAGES = ("en", "ru")
NAME = re.compile(r"[a-z][a-z0-9_]*")

_BASE = frozenset({"client_first_name", "org_name"})
_ORDER = _BASE | {"order_number", "date", "time", "address", "work", "page_link"}
_WORKER = _ORDER | {"worker_first_name"}
_QUOTE = _BASE | {"quote_number", "amount", "valid_until", "page_link"}

VARIABLES: dict[MessageKind, frozenset[str]] = {
    MessageKind.CONFIRMATION: _WORKER | {"amount"},
    MessageKind.REMINDER: _WORKER,
    MessageKind.REMINDER_2H: _WORKER,
    MessageKind.ON_MY_WAY: _WORKER | {"eta"},
    MessageKind.ARRIVED: _WORKER,
    MessageKind.DONE: _WORKER | {"amount"},
    MessageKind.PAYMENT_LINK: _ORDER | {"amount", "pay_link"},
    MessageKind.RECEIPT: _ORDER | {"amount"},
    MessageKind.RATING_REQUEST: _WORKER,
    MessageKind.CANCELLED: _ORDER | {"reason"},
    MessageKind.RESCHEDULED: _WORKER | {"old_date", "old_time", "amount"},
    MessageKind.TOTAL_CHANGED: _WORKER | {"amount"},
    MessageKind.INVOICE: _BASE | {"order_number", "invoice_number", "amount", "page_link"},
    MessageKind.STAFF_MESSAGE: _BASE | {"order_number", "text"},
    MessageKind.QUOTE: _QUOTE,
    MessageKind.QUOTE_REMINDER: _QUOTE,
    MessageKind.SERIES_CHANGED: _ORDER | {"visits"},
    MessageKind.CLIENT_MESSAGE: frozenset({"text"}),
}
REQUIRED: dict[MessageKind, frozenset[str]] = {
    MessageKind.CONFIRMATION: frozenset({"date", "time"}),
    MessageKind.REMINDER: frozenset({"date", "time"}),
    MessageKind.REMINDER_2H: frozenset({"time"}),
    MessageKind.ON_MY_WAY: frozenset({"eta"}),
    MessageKind.PAYMENT_LINK: frozenset({"pay_link"}),
    MessageKind.RECEIPT: frozenset({"amount"}),
    MessageKind.RESCHEDULED: frozenset({"date", "time"}),
    MessageKind.TOTAL_CHANGED: frozenset({"amount"}),
    MessageKind.STAFF_MESSAGE: frozenset({"text"}),
    MessageKind.QUOTE: frozenset({"amount", "valid_until"}),
    MessageKind.QUOTE_REMINDER: frozenset({"valid_until"}),
    MessageKind.SERIES_CHANGED: frozenset({"visits"}),
    MessageKind.CLIENT_MESSAGE: frozenset({"text"}),
}
# What an organization may edit: everything the business sends.
EDITABLE = tuple(k for k in MessageKind if k is not MessageKind.CLIENT_MESSAGE)


class Problem(enum.StrEnum):
    UNKNOWN_VARIABLE = "template_unknown_variable"
    MISSING_VARIABLE = "template_missing_variable"
    UNBALANCED_BRACES = "template_braces"
    TOO_LONG = "template_too_long"
    EMPTY = "template_empty"


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    problem: Problem
    name: str = ""  # the variable, for unknown and missing ones
    position: int = 0  # where in the text, for braces

    def error(self) -> DomainError:
        params: dict[str, object] = {"name": self.name}
        if self.problem is Problem.TOO_LONG:
            params = {"limit": TEMPLATE_MAX}
        elif self.problem is Problem.UNBALANCED_BRACES:
            params = {"position": self.position + 1}
        elif self.problem is Problem.EMPTY:
            params = {}
        return DomainError(self.problem.value, **params)


def _parse(body: str) -> tuple[list[str | tuple[str]], TemplateProblem | None]:
    """Literal pieces and ("name",) placeholders, or the first brace problem."""
    parts: list[str | tuple[str]] = []
    literal: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char in "{}" and body[i + 1 : i + 2] == char:
            literal.append(char)
            i += 2
        elif char == "}":
            return parts, TemplateProblem(Problem.UNBALANCED_BRACES, position=i)
        elif char == "{":
            end = body.find("}", i + 1)
            inner = body[i + 1 : end] if end >= 0 else ""
            if end < 0 or "{" in inner:
                return parts, TemplateProblem(Problem.UNBALANCED_BRACES, position=i)
            parts.append("".join(literal))
            literal = []
            parts.append((inner.strip(),))
            i = end + 1
        else:
            literal.append(char)
            i += 1
    parts.append("".join(literal))
    return parts, None


def placeholders(body: str) -> list[str]:
    parts, _ = _parse(body)
    return [p[0] for p in parts if isinstance(p, tuple)]


def validate(kind: MessageKind, body: str) -> list[TemplateProblem]:
    """Every problem of a template for `kind`; an empty list: it may be saved."""
    found: list[TemplateProblem] = []
    if not body.strip():
        return [TemplateProblem(Problem.EMPTY)]
    if len(body) > TEMPLATE_MAX:
        found.append(TemplateProblem(Problem.TOO_LONG))
    parts, brace = _parse(body)
    if brace is not None:
        return [*found, brace]
    used = [p[0] for p in parts if isinstance(p, tuple)]
    allowed = VARIABLES[kind]
    for name in dict.fromkeys(used):
        if name not in allowed or not NAME.fullmatch(name):
            found.append(TemplateProblem(Problem.UNKNOWN_VARIABLE, name=name))
    for name in sorted(REQUIRED.get(kind, frozenset()) - set(used)):
        found.append(TemplateProblem(Problem.MISSING_VARIABLE, name=name))
    return found


def check(kind: MessageKind, body: str) -> str:
    """The template if valid, else a DomainError for its first problem."""
    problems = validate(kind, body)
    if problems:
        raise problems[0].error()
    return body


def render(kind: MessageKind, body: str, values: Mapping[str, str | None]) -> str:
    """Fill in a valid template. A line whose placeholders all have no value is dropped
    ("Amount due: {amount}" without an amount); other missing values render empty."""
    check(kind, body)
    lines = []
    for line in body.split("\n"):
        parts, _ = _parse(line)
        names = [p[0] for p in parts if isinstance(p, tuple)]
        filled = [values.get(p[0]) or "" if isinstance(p, tuple) else p for p in parts]
        if names and not any(values.get(n) for n in names):
            continue
        lines.append("".join(filled).rstrip())
    return "\n".join(lines).strip()


def default(kind: MessageKind, language: str) -> str:
    table = DEFAULTS_RU if language == "ru" else DEFAULTS_EN
    return table[kind]


DEFAULTS_EN: dict[MessageKind, str] = {
    MessageKind.CONFIRMATION: "{org_name}: your order is booked for {date} at {time}.\n"
    "{address}\n{work}\nSpecialist: {worker_first_name}\nPrice: {amount}\n{page_link}",
    MessageKind.REMINDER: "{org_name}: a reminder of your visit tomorrow, {date} at {time}.\n"
    "{address}\n{page_link}",
    MessageKind.REMINDER_2H: "{org_name}: we will be with you today at {time}.\n{page_link}",
    MessageKind.ON_MY_WAY: "{org_name}: {worker_first_name} is on the way, arriving in about "
    "{eta}.",
    MessageKind.ARRIVED: "{org_name}: {worker_first_name} has arrived.",
    MessageKind.DONE: "{org_name}: the work is done.\n{work}\nAmount due: {amount}",
    MessageKind.PAYMENT_LINK: "{org_name}: pay {amount} for order {order_number}: {pay_link}",
    MessageKind.RECEIPT: "{org_name}: payment of {amount} received. Thank you!",
    MessageKind.RATING_REQUEST: "{org_name}: how did {worker_first_name} do? Rate the visit "
    "from 1 to 5.\n{page_link}",
    MessageKind.CANCELLED: "{org_name}: your order for {date} at {time} is cancelled.\n{reason}",
    MessageKind.RESCHEDULED: "{org_name}: your visit moved from {old_date} at {old_time} to "
    "{date} at {time}.\n{address}\nSpecialist: {worker_first_name}\n{page_link}",
    MessageKind.TOTAL_CHANGED: "{org_name}: order {order_number} was changed on site, the total "
    "is now {amount}.\n{page_link}",
    MessageKind.INVOICE: "{org_name}: invoice {invoice_number} and the service report for "
    "order {order_number}.\nTo pay: {amount}\n{page_link}",
    MessageKind.STAFF_MESSAGE: "{org_name}: {text}",
    MessageKind.QUOTE: "{org_name}: quote {quote_number} for {amount}, valid until "
    "{valid_until}.\n{page_link}",
    MessageKind.QUOTE_REMINDER: "{org_name}: a reminder: quote {quote_number} for {amount} "
    "waits for your answer until {valid_until}.\n{page_link}",
    MessageKind.SERIES_CHANGED: "{org_name}: your recurring visits have changed:\n{visits}",
    MessageKind.CLIENT_MESSAGE: "{text}",
}
DEFAULTS_RU: dict[MessageKind, str] = {
    MessageKind.CONFIRMATION: "{org_name}: ваш заказ записан на {date} в {time}.\n"
    "{address}\n{work}\nМастер: {worker_first_name}\nСтоимость: {amount}\n{page_link}",
    MessageKind.REMINDER: "{org_name}: напоминаем о визите завтра, {date} в {time}.\n"
    "{address}\n{page_link}",
    MessageKind.REMINDER_2H: "{org_name}: ждите нас сегодня в {time}.\n{page_link}",
    MessageKind.ON_MY_WAY: "{org_name}: {worker_first_name} уже в пути, будет примерно через "
    "{eta}.",
    MessageKind.ARRIVED: "{org_name}: {worker_first_name} на месте.",
    MessageKind.DONE: "{org_name}: работа выполнена.\n{work}\nК оплате: {amount}",
    MessageKind.PAYMENT_LINK: "{org_name}: оплатите {amount} по заказу {order_number}: {pay_link}",
    MessageKind.RECEIPT: "{org_name}: оплата {amount} получена. Спасибо!",
    MessageKind.RATING_REQUEST: "{org_name}: как поработал {worker_first_name}? Оцените визит "
    "от 1 до 5.\n{page_link}",
    MessageKind.CANCELLED: "{org_name}: ваш заказ на {date} в {time} отменён.\n{reason}",
    MessageKind.RESCHEDULED: "{org_name}: визит перенесён с {old_date} {old_time} на {date} в "
    "{time}.\n{address}\nМастер: {worker_first_name}\n{page_link}",
    MessageKind.TOTAL_CHANGED: "{org_name}: заказ {order_number} изменён на месте, сумма теперь "
    "{amount}.\n{page_link}",
    MessageKind.INVOICE: "{org_name}: счёт {invoice_number} и отчёт по заказу {order_number}.\n"
    "К оплате: {amount}\n{page_link}",
    MessageKind.STAFF_MESSAGE: "{org_name}: {text}",
    MessageKind.QUOTE: "{org_name}: смета {quote_number} на {amount}, действует до "
    "{valid_until}.\n{page_link}",
    MessageKind.QUOTE_REMINDER: "{org_name}: напоминаем: смета {quote_number} на {amount} "
    "ждёт вашего ответа до {valid_until}.\n{page_link}",
    MessageKind.SERIES_CHANGED: "{org_name}: изменилось расписание ваших регулярных визитов:\n"
    "{visits}",
    MessageKind.CLIENT_MESSAGE: "{text}",
}
