"""The one message confirming a client's restriction of processing (privacy policy section 6;
issue 25 item 4; docs/data-rights.md). Sent once, when a card becomes restricted, by the
client's channel as it was before the restriction (Telegram, else SMS, else e-mail; consents
and opt-outs still apply), in the client's language; it is the only message that passes the
restriction (`kept`), and nothing follows it until the restriction is lifted."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from core.client_loop.model import Channel, Direction, MessageKind, NewClientMessage
from core.client_loop.outgoing import enqueue_first
from core.client_loop.ratings import reach_of
from core.client_loop.templates import LANGUAGES, default, render
from core.client_loop.views import client_first_name
from core.domain import Actor
from core.outcomes import ClientMessaged
from core.ports import Clock, UnitOfWork

# The text in each language the client messages speak (core/client_loop/templates.py keeps
# the other client texts the same way: they reach people who never chose a bot language).
# Short, so that with the organization's name it fits two SMS segments (Cyrillic: 134
# characters in all; an SMS that cannot fit is tried by the next channel).
CONFIRMATION = {
    "en": "as you asked, the processing of your data is restricted; we will send you no "
    "more messages.",
    "ru": "по вашей просьбе обработка ваших данных ограничена; сообщений больше не будет.",
}


async def confirm_restriction(
    uow: UnitOfWork, clock: Clock, actor: Actor, client_id: int, default_language: str
) -> ClientMessaged | None:
    """Queue the confirmation in the caller's transaction (Telegram: returned for the update
    to send, marked kept; SMS or e-mail: the job's payload is kept). None: no channel."""
    assert actor.organization is not None
    org_id = actor.organization.id
    org = await uow.orgs.get(org_id)
    client = await uow.clients.get(org_id, client_id)
    if org is None or client is None:
        return None
    link = await uow.client_loop.link(org_id, client.id)
    channels = await reach_of(uow, org_id, replace(client, restricted_at=None), link)
    person = await uow.users.get(link.user_id) if link is not None else None
    telegram = bool(channels) and channels[0] is Channel.TELEGRAM and person is not None
    if not channels or (channels[0] is Channel.TELEGRAM and person is None):
        return None
    language = person.preferred_language(default_language) if telegram and person else ""
    language = language or org.language or default_language
    language = language if language in LANGUAGES else "en"
    template = default(MessageKind.STAFF_MESSAGE, language)
    values: dict[str, str | None] = {
        "org_name": org.name, "text": CONFIRMATION[language], "order_number": None,
        "client_first_name": client_first_name(client.name),
    }  # fmt: skip
    now = clock.now()
    if telegram and person is not None:
        text = render(MessageKind.STAFF_MESSAGE, template, values)
        new = NewClientMessage(
            client_id=client.id, direction=Direction.OUT, kind=MessageKind.STAFF_MESSAGE,
            channel=Channel.TELEGRAM, body=text, order_id=None, author_id=actor.user.id,
        )  # fmt: skip
        logged = await uow.client_loop.add_message(org_id, new, now)
        return ClientMessaged(
            org_id, person.telegram_id, text, logged.id, "telegram", None, kept=True
        )
    payload: dict[str, Any] = {
        "org": org_id, "client": client.id, "order": None, "number": 0,
        "kind": MessageKind.STAFF_MESSAGE.value, "language": language, "template": template,
        "values": values, "invitation": None, "dedup": f"restricted:{secrets.token_hex(8)}",
        "channels": [c.value for c in channels], "kept": True,
    }  # fmt: skip
    settings = await uow.client_loop.settings(org_id)
    taken = await enqueue_first(uow, clock, payload, channels, org.timezone, settings.quiet_hours)
    if taken is None:
        return None
    return ClientMessaged(org_id, 0, CONFIRMATION[language], 0, taken.value, None)
