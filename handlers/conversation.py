"""/start, /help, /cancel, and every answer to a step of a flow (typed or tapped)."""

from __future__ import annotations

from telegram import CallbackQuery, Contact, Message, Update

from core.dialogs.data import chosen_language
from core.dialogs.engine import DialogInput
from core.domain import Role
from core.outcomes import NoDialog, Prompt, Reask
from handlers import callbacks as cb
from handlers.client_loop.chat import CLIENT_PAYLOAD, open_link
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import drop_keyboard, reply, tapped_label
from handlers.flow_prompts import echo
from handlers.gate import load_actor
from handlers.i18n import Translator
from handlers.menus import command_lines, commands_for, more_for
from handlers.numbers import read_number
from handlers.outcomes import show


async def start(update: Update, ctx: BotContext) -> None:
    payload = ctx.args[0] if ctx.args else None
    chat = update.effective_chat
    assert chat is not None
    if payload is not None and payload.startswith(CLIENT_PAYLOAD):  # a client's link
        await open_link(update, ctx, payload)
        return
    outcome = await ctx.services.start.begin(ctx.actor, chat.id, payload)
    await show(update, ctx, outcome)


async def help_command(update: Update, ctx: BotContext) -> None:
    """Every command this person may use: the menu's, then the rest under "More"."""
    actor = ctx.actor
    await reply(ctx, update, help_text(ctx.t, actor.role, actor.user.onboarded))


# /help's text per language, role and whether set up: made once (issue 18.10, CPU per update).
_HELP: dict[tuple[str, Role | None, bool], str] = {}


def help_text(t: Translator, role: Role | None, onboarded: bool) -> str:
    key = (t.locale, role, onboarded)
    if key not in _HELP:
        commands = commands_for(role, onboarded)
        lines = [t("<b>What I can do</b>")]
        if not onboarded:
            lines += [*command_lines(t, commands), "", t("Send /start to set up your account.")]
        else:
            rest = more_for(role, onboarded)
            lines += command_lines(t, [c for c in commands if c not in rest])
            lines += ["", t("<b>More</b>"), *command_lines(t, rest)]
        _HELP[key] = "\n".join(lines)
    return _HELP[key]


async def more(update: Update, ctx: BotContext) -> None:
    """/more: the rarely used commands the menu leaves out (privacy, exports, the account)."""
    t, actor = ctx.t, ctx.actor
    rest = more_for(actor.role, actor.user.onboarded)
    await reply(ctx, update, "\n".join([t("<b>More commands</b>"), *command_lines(t, rest)]))


async def cancel(update: Update, ctx: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    await show(update, ctx, await ctx.services.dialogs.cancel(ctx.actor, chat.id))


async def text_answer(update: Update, ctx: BotContext) -> None:
    """Free text, a shared contact or a location: an answer to the current step, if any."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    given = DialogInput(
        text=message.text,
        contact_phone=message.contact.phone_number if message.contact else None,
        contact_name=_contact_name(message.contact),
        location=(message.location.latitude, message.location.longitude)
        if message.location
        else None,
        number=read_number(message.text, ctx.t.locale) if message.text else None,
    )
    outcome = await ctx.services.dialogs.answer(ctx.actor, chat.id, given)
    if isinstance(outcome, NoDialog) and not ctx.actor.user.onboarded:
        await reply(ctx, update, ctx.t("Let's get you set up first: send /start."))
        return
    await _show_fresh(update, ctx, outcome)


async def choice_answer(update: Update, ctx: BotContext, tap: cb.DialogChoice) -> None:
    """A tapped button of a flow step."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    flow, step, value = tap.flow, tap.step, tap.value
    state = await ctx.services.dialogs.current(ctx.actor, chat.id)
    if state is None or state.flow != flow or state.step != step:
        await query.answer(ctx.t.raw("This button is from an earlier step and no longer applies."))
        return
    outcome = await ctx.services.dialogs.answer(
        ctx.actor, chat.id, DialogInput(choice=value, step=step)
    )
    await query.answer()
    if not isinstance(outcome, Reask):
        language = chosen_language(outcome.state) if isinstance(outcome, Prompt) else None
        t = ctx.translator(language) if flow == "onboarding" and language else ctx.t
        await _record_choice(ctx, query, t, flow, step)
    await _show_fresh(update, ctx, outcome)


async def _record_choice(
    ctx: BotContext, query: CallbackQuery, t: Translator, flow: str, step: str
) -> None:
    """The prompt keeps its text, loses its buttons and says what was chosen, so the chat
    reads as a record of what was decided."""
    message = query.message
    label = tapped_label(query)
    if not isinstance(message, Message) or not message.text or label is None:
        await drop_keyboard(ctx, query)
        return
    await edit_tapped(ctx, query, message.text_html + "\n\n" + echo(t, flow, step, label))


async def _show_fresh(update: Update, ctx: BotContext, outcome: object) -> None:
    """After a flow completes the person may have a new language or role: reload them first."""
    continuing = isinstance(outcome, Prompt) and outcome.state.version > 0
    if not (continuing or isinstance(outcome, Reask | NoDialog)):
        await load_actor(update, ctx)
    await show(update, ctx, outcome)  # type: ignore[arg-type]


async def unknown_command(update: Update, ctx: BotContext) -> None:
    await reply(ctx, update, ctx.t("I do not know that command. Send /help to see what I can do."))


async def unsupported(update: Update, ctx: BotContext) -> None:
    await reply(
        ctx,
        update,
        ctx.t("I cannot use this kind of message here. Send /help to see what I can do."),
    )


async def stale_button(update: Update, ctx: BotContext) -> None:
    """A button whose data no handler knows (an old message, a forged callback)."""
    query = update.callback_query
    assert query is not None
    await query.answer(ctx.t.raw("This button is no longer valid."))


def _contact_name(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return " ".join(p for p in (contact.first_name, contact.last_name) if p) or None
