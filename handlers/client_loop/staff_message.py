"""What staff see of the messages between a client and the organization: the prompt of the
reply conversation, the answer when a message went to the client, and the lines these
exchanges (and ratings) leave on the order's history."""

from __future__ import annotations

from telegram import Update

from core.dialogs.client_data import ClientReplyData
from core.dialogs.engine import DialogState, data_as
from core.domain import OrderEvent
from core.outcomes import ClientMessaged
from core.runtime.outbox import After
from handlers.client_loop.confirm import fitted
from handlers.context import BotContext
from handlers.delivery.replies import reply
from handlers.i18n import Translator, escape
from handlers.prompts import PromptEnv, Rendered

QUOTED_MAX = 100
CAPTION_TEXT = 900  # leaves room for escaping within Telegram's 1024-character caption
CHANNELS = {"sms": "SMS", "email": "e-mail"}


def reply_prompt(t: Translator, state: DialogState, env: PromptEnv) -> Rendered:
    d = data_as(state, ClientReplyData)
    name = d.client_name or "—"
    if d.number is not None:
        head = t(
            "✉️ Message to the client: {name}, order №{number}. Type it now.",
            name=name,
            number=d.number,
        )
    else:
        head = t("✉️ Message to the client: {name}. Type it now.", name=name)
    note = t(
        "The client sees it from the organization, not from you. You can also send a photo. "
        "/cancel to stop."
    )
    return f"{head}\n{note}", None


RELAY_PROMPTS = {("client_reply", "text"): reply_prompt}


async def client_messaged(update: Update, ctx: BotContext, sent: ClientMessaged) -> None:
    """Telegram: the message goes to the client's chat with the update (logged sent when
    Telegram answers); SMS and e-mail went to the job queue. Every staff copy of the client's
    message it answers loses its Reply button."""
    for chat_id, message_id in sent.answered:
        ctx.outgoing.buttons(chat_id, message_id, None)
    if sent.chat_id:
        args: dict[str, int | str] = {"org": sent.organization_id, "message": sent.message_id}
        if sent.photo:  # the photo with the text as its caption (1024 characters at most)
            caption = escape(sent.text[:CAPTION_TEXT])
            ctx.outgoing.picture(
                sent.chat_id, sent.photo, caption, After.CLIENT_MESSAGE, args, ctx.bot_number
            )
        else:
            text = escape(fitted(sent.text))
            ctx.outgoing.send(sent.chat_id, text, None, After.CLIENT_MESSAGE, args, sent.kept)
        if not sent.kept:
            await reply(ctx, update, ctx.t("✅ Sent to the client."))
        return
    if sent.kept:  # the confirmation of a restriction, by SMS or e-mail: said by the caller
        return
    how = CHANNELS.get(sent.channel, sent.channel)
    await reply(ctx, update, ctx.t("✅ Sent to the client by {channel}.", channel=how))


def _quoted(raw: object) -> str:
    text = str(raw or "—")
    return text if len(text) <= QUOTED_MAX else text[: QUOTED_MAX - 1] + "…"


def talk_line(t: Translator, event: OrderEvent) -> str | None:
    """The history's line for a client's message, a staff message or a rating (None: not
    one of those)."""
    data = event.data
    if event.kind == "client_wrote":
        return t("wrote: «{text}»", text=_quoted(data.get("text")))
    if event.kind == "staff_wrote":
        return t("wrote to the client: «{text}»", text=_quoted(data.get("text")))
    if event.kind == "client_rated":
        line = t("rated the visit: {stars} of 5", stars=str(data.get("stars", "—")))
        if data.get("comment"):
            line += " · «" + escape(_quoted(data.get("comment"))) + "»"
        return line
    if event.kind == "client_rating_comment":
        return t("commented on the rating: «{text}»", text=_quoted(data.get("comment")))
    return None
