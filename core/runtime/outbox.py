"""Messages to send, recorded in the transaction of the change that calls for them.

A Telegram update's replies and notices are collected while the update is applied. When the
update changed data they are written to the outbox in the same transaction as the change (and
the update's ledger record), then sent one by one, each marked sent with Telegram's message id
right after Telegram answers. A process killed after the commit leaves them in the outbox and
another process (or the next start) sends them; a rolled-back change sends nothing. Telegram
has no idempotency key for sendMessage, so a kill between Telegram's answer and the mark can
repeat that one message: at most one per delivery in flight. Edits are idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Method(StrEnum):
    SEND = "send"  # sendMessage: text (HTML) and optional markup
    EDIT = "edit"  # editMessageText of message_id
    MARKUP = "markup"  # editMessageReplyMarkup of message_id
    PHOTO = "photo"  # sendPhoto of a map drawn when sent, no caption
    QR = "qr"  # sendPhoto of params["link"] as a QR code drawn when sent, HTML caption
    # sendDocument of an .ics file written when sent from params["invitation"] (the visit's
    # fields as JSON: a few hundred bytes of text, never the file's bytes)
    CALENDAR = "calendar"
    # editMessageText of a client's "on my way" message, the message id looked up when sent
    # (params: text, org, order, edit): an edit a later one superseded is skipped
    LIVE = "live"
    PICTURE = "picture"  # sendPhoto of params["file_id"] (a Telegram file id), HTML caption
    # sendDocument of an invoice's PDF read from the file storage when sent (params: org,
    # invoice, report, filename, caption): the row holds the invoice's id, never the bytes
    DOCUMENT = "document"
    # sendMediaGroup of an invoice's PDFs read when sent (params: org, invoice, files: a list
    # of {report, filename, caption}): one album, one delivery (a missing PDF is left out; a
    # single one left goes as sendDocument); the message id is the first document's
    DOCUMENTS = "documents"
    # deleteMessage of message_id: a person's message that holds a secret (a bot token)
    DELETE = "delete"

    @property
    def new_message(self) -> bool:
        """Sends a message a person reads (marked sent as soon as Telegram answers)."""
        return self in (
            Method.SEND, Method.QR, Method.CALENDAR, Method.PICTURE, Method.DOCUMENT,
            Method.DOCUMENTS,
        )  # fmt: skip


class Lane(StrEnum):
    """Replies to someone who is waiting go before scheduled broadcasts."""

    INTERACTIVE = "interactive"
    BROADCAST = "broadcast"


class After(StrEnum):
    """What the sent message's id is recorded for, in the transaction that marks it sent."""

    CARD = "card"  # an order card: later changes of the order edit it
    VOICE_STATUS = "voice_status"  # a voice note's status message: transcription edits it
    CLIENT_MESSAGE = "client_message"  # a client's message: its log entry is marked sent


@dataclass(frozen=True, slots=True)
class Delivery:
    """One Bot API call. `params` are JSON values (markup as Telegram's JSON)."""

    chat_id: int
    method: Method
    params: dict[str, object] = field(default_factory=dict)
    lane: Lane = Lane.INTERACTIVE
    after: After | None = None
    after_args: dict[str, int | str] = field(default_factory=dict)
    # Refusals that are not failures: a message already showing this, a deleted message.
    quiet: bool = False
    # Sent even to a person who restricted processing of their data (docs/data-rights.md):
    # an answer to their own update, or the one message confirming the restriction.
    kept: bool = False
    # The bot it goes through (core/ownbot/routing.py): 0 the shared bot, else an
    # organization's own bot by its number (the shared bot when that one is gone); None:
    # not decided by whoever wrote it (an answer goes through the bot of the update it
    # answers), so the sender decides by its rules (a client's chat with their
    # organization's bot, the own bot a staff member works in: bot/routes.py).
    bot: int | None = None

    @property
    def client_org(self) -> int | None:
        """The organization a message to its client is written for (its own bot, if the
        client has a chat with it, carries it: docs/own-bot.md); None for anything else."""
        if self.after is After.CLIENT_MESSAGE:
            return int(self.after_args["org"])
        if self.method is Method.LIVE:
            return int(str(self.params["org"]))
        org = self.params.get("client_org")  # a client's message that is logged on its own
        return int(str(org)) if org is not None else None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "method": self.method.value,
            "params": self.params,
            "after": self.after.value if self.after else None,
            "after_args": self.after_args,
            "quiet": self.quiet,
        }
        if self.kept:
            data["kept"] = True
        if self.bot is not None:
            data["bot"] = self.bot
        return data

    @classmethod
    def from_json(cls, chat_id: int, lane: str, data: dict[str, object]) -> Delivery:
        after = data.get("after")
        params = data.get("params")
        args = data.get("after_args")
        return cls(
            chat_id=chat_id,
            method=Method(str(data["method"])),
            params=dict(params) if isinstance(params, dict) else {},
            lane=Lane(lane),
            after=After(str(after)) if after else None,
            after_args=dict(args) if isinstance(args, dict) else {},
            quiet=bool(data.get("quiet", False)),
            kept=bool(data.get("kept", False)),
            bot=int(str(data["bot"])) if data.get("bot") is not None else None,
        )


@dataclass(frozen=True, slots=True)
class Stored:
    """A delivery written to the outbox, by its row id."""

    id: int
    delivery: Delivery
    # The recipient restricted processing of their data (read with the row when it was
    # written or taken over): only a `kept` delivery goes, the sender drops the rest.
    restricted: bool = False

    @property
    def dropped(self) -> bool:
        return self.restricted and not self.delivery.kept


@dataclass(frozen=True, slots=True)
class Sent:
    """The outcome of one delivery: Telegram's message id (None for an edit, a refusal)."""

    id: int
    message_id: int | None
    unreachable: bool = False  # the person blocked the bot
    failed: bool = False  # refused for good (not sent, not retried)
    dropped: bool = False  # not sent: the recipient restricted processing of their data
    bot: int = 0  # the number of the bot it went through (core/ownbot/routing.py)


class Unmarked(Protocol):
    """Sent deliveries whose outbox rows have not been taken out yet (bot/outbox_marks.py):
    an update's commit takes them out with its own changes."""

    def take(self) -> list[Sent]: ...

    def back(self, taken: list[Sent]) -> None: ...
