"""The messages an update calls for, collected while it is applied (core/runtime/outbox.py).

Handlers never call the Bot API to send or edit a message while an update is applied: they
add a delivery here, and the deliveries are written to the outbox with the update's changes
and sent right after it commits (or, for an update that changed nothing, sent at once).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from core.ownbot.routing import message_of_key
from core.runtime.outbox import After, Delivery, Lane, Method

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def markup_json(markup: Markup) -> dict[str, Any] | None:
    return None if markup is None else markup.to_dict()


# Changes of sent messages name the bot that sent them (their key); never routed.
CHANGES = (Method.EDIT, Method.MARKUP, Method.DELETE, Method.LIVE)


class Outgoing:
    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._routes: dict[int, int] = {}  # chat: the number of the bot it is written through

    def route(self, chat_id: int, bot: int) -> None:
        """What goes to this chat goes through bot number `bot` (docs/own-bot.md): the chat
        an update came through is answered through the bot it came through."""
        self._routes[chat_id] = bot

    def send(
        self,
        chat_id: int,
        text: str,
        markup: Markup = None,
        after: After | None = None,
        after_args: dict[str, int | str] | None = None,
        kept: bool = False,
    ) -> None:
        """A new message (HTML, no link preview); `kept`: it goes even to a person who
        restricted processing (the one message confirming it, docs/data-rights.md)."""
        params: dict[str, object] = {"text": text}
        if markup is not None:
            params["markup"] = markup_json(markup)
        args = after_args or {}
        self._add(Delivery(chat_id, Method.SEND, params, Lane.INTERACTIVE, after, args, kept=kept))

    # A sent message is named by its key (`core.ownbot.routing.message_key`): the bot that
    # sent it and its id, so it is changed through that bot; a plain id is the shared bot's.
    # An inline message (`inline_message_id`) is changed through bot number `bot`.

    def edit(
        self,
        chat_id: int,
        message_key: int | None,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        inline_message_id: str | None = None,
        bot: int = 0,
    ) -> None:
        """Show `text` (HTML) and `markup` in a sent message; nothing if it already does."""
        params: dict[str, object] = {"text": text, "markup": markup_json(markup)}
        bot = _targeted(params, message_key, inline_message_id, bot)
        self._add(Delivery(chat_id, Method.EDIT, params, quiet=True, bot=bot))

    def buttons(
        self,
        chat_id: int,
        message_key: int | None,
        markup: InlineKeyboardMarkup | None,
        inline_message_id: str | None = None,
        bot: int = 0,
    ) -> None:
        """Replace (None: remove) a sent message's buttons."""
        params: dict[str, object] = {"markup": markup_json(markup)}
        bot = _targeted(params, message_key, inline_message_id, bot)
        self._add(Delivery(chat_id, Method.MARKUP, params, quiet=True, bot=bot))

    def delete(self, chat_id: int, message_key: int) -> None:
        """Delete a message (one that holds a secret); already gone is fine."""
        params: dict[str, object] = {}
        bot = _targeted(params, message_key, None, 0)
        self._add(Delivery(chat_id, Method.DELETE, params, quiet=True, bot=bot))

    def map(self, chat_id: int, latitude: float, longitude: float) -> None:
        """A small map of a place, drawn when it is sent."""
        params: dict[str, object] = {"latitude": latitude, "longitude": longitude}
        self._add(Delivery(chat_id, Method.PHOTO, params, quiet=True))

    def qr(self, chat_id: int, link: str, caption: str) -> None:
        """A link as a QR code picture (drawn when sent), with a caption (HTML)."""
        params: dict[str, object] = {"link": link, "caption": caption}
        self._add(Delivery(chat_id, Method.QR, params))

    def calendar(
        self,
        chat_id: int,
        invitation: dict[str, object],
        filename: str,
        caption: str | None = None,
        after: After | None = None,
        after_args: dict[str, int | str] | None = None,
        client_org: int | None = None,
    ) -> None:
        """A visit's calendar invitation as an .ics document, written when it is sent, with
        the message about it as its caption (HTML) when one is given; `client_org`: for that
        organization's client (through their chat with its own bot, if any)."""
        params: dict[str, object] = {"invitation": invitation, "filename": filename}
        if client_org is not None:
            params["client_org"] = client_org
        if caption is not None:
            params["caption"] = caption
        delivery = Delivery(
            chat_id, Method.CALENDAR, params, Lane.INTERACTIVE, after, after_args or {}
        )
        self._add(delivery)

    def picture(
        self,
        chat_id: int,
        file_id: str,
        caption: str,
        after: After | None = None,
        after_args: dict[str, int | str] | None = None,
        file_bot: int = 0,
    ) -> None:
        """A photo Telegram already has (its file id, e.g. one a staff member sent, of the bot
        numbered `file_bot`: through another bot it goes as its bytes), with a caption
        (HTML)."""
        params: dict[str, object] = {"file_id": file_id, "caption": caption}
        if file_bot:
            params["file_bot"] = file_bot
        self._add(
            Delivery(chat_id, Method.PICTURE, params, Lane.INTERACTIVE, after, after_args or {})
        )

    def invoice_pdfs(
        self,
        chat_id: int,
        invoice: tuple[int, int],
        files: list[tuple[bool, str, str]],
        after: After | None = None,
        after_args: dict[str, int | str] | None = None,
    ) -> None:
        """An invoice's PDFs (`invoice`: organization and invoice; `files`: whether the service
        report, the file name, an HTML caption) as one album of documents, read from the file
        storage when it is sent."""
        org_id, invoice_id = invoice
        params: dict[str, object] = {
            "org": org_id, "invoice": invoice_id,
            "files": [{"report": r, "filename": name, "caption": c} for r, name, c in files],
        }  # fmt: skip
        self._add(
            Delivery(chat_id, Method.DOCUMENTS, params, Lane.INTERACTIVE, after, after_args or {})
        )

    def live(self, chat_id: int, text: str, org_id: int, order_id: int, edit: int) -> None:
        """Edit the client's "on my way" message of the order (the `edit`-th edit; skipped
        when sent if a later one was asked for meanwhile)."""
        params: dict[str, object] = {"text": text, "org": org_id, "order": order_id, "edit": edit}
        self._add(Delivery(chat_id, Method.LIVE, params, quiet=True))

    def _add(self, delivery: Delivery) -> None:
        bot = self._routes.get(delivery.chat_id)
        if bot is not None and delivery.bot is None and delivery.method not in CHANGES:
            delivery = dataclasses.replace(delivery, bot=bot)
        if delivery.method is Method.EDIT:
            # A whole new content supersedes what an earlier edit of the message would show
            # (a tapped card, then the same card refreshed with everyone else's).
            target = _target_of(delivery)
            self.deliveries = [
                d
                for d in self.deliveries
                if d.method not in (Method.EDIT, Method.MARKUP) or _target_of(d) != target
            ]
        self.deliveries.append(delivery)


def _target_of(delivery: Delivery) -> tuple[int, int | None, object, object]:
    params = delivery.params
    chat, bot = delivery.chat_id, delivery.bot
    return chat, bot, params.get("message_id"), params.get("inline_message_id")


def _targeted(
    params: dict[str, object], key: int | None, inline_message_id: str | None, bot: int
) -> int:
    """Name the message in `params`; the number of the bot it is changed through."""
    if inline_message_id is not None:
        params["inline_message_id"] = inline_message_id
        return bot
    if key is None:
        params["message_id"] = None
        return bot
    number, message_id = message_of_key(key)
    params["message_id"] = message_id
    return number
