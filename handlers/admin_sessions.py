"""Web sessions in the chat (issue 25, item 12): the message a sign-in from a browser the
person has not used before sends them (which browser, system and address, when), with "Not
you? Sign out everywhere", and that button's tap, which ends every web session of the person
who taps (core/admin/sessions.py) and says how many."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.admin.service import OpenedSession
from core.admin.user_agent import Agent, parse
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.replies import record_tap, reply
from handlers.formatting import when
from handlers.i18n import Catalogs, Translator
from handlers.keyboards import button


def browser_and_system(t: Translator, agent: Agent) -> str:
    """ "Chrome 120 on Windows", with words for what the User-Agent did not tell (plain)."""
    browser = agent.browser or t.raw("Unknown browser")
    system = agent.os or t.raw("unknown system")
    return t.raw("{browser} on {system}").format(browser=browser, system=system)


def sign_out_button(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(t.raw("Not you? Sign out everywhere"), cb.SignOutEverywhere())]]
    )


def new_browser_notice(
    catalogs: Catalogs, opened: OpenedSession
) -> tuple[int, str, InlineKeyboardMarkup]:
    """The chat, text (HTML) and button of the message, in the person's language; the time in
    the organization's zone."""
    user, org = opened.actor.user, opened.actor.organization
    t = catalogs.get(user.preferred_language(catalogs.default))
    session = opened.session
    at = session.created_at
    assert at is not None and org is not None
    text = t(
        "🔐 <b>New sign-in</b> to the web pages of {org} from a browser you have not used "
        "before:\n{browser}\nAddress: {ip}\n{when}\n\nIf it was not you, tap the button: "
        "every web session ends at once. Then send /admin for a new link.",
        org=org.name,
        browser=browser_and_system(t, parse(session.user_agent)),
        ip=session.ip or "?",
        when=when(t, at, org.timezone),
    )
    return user.telegram_id, text, sign_out_button(t)


async def sign_out_everywhere_tap(
    update: Update, ctx: BotContext, _tap: cb.SignOutEverywhere
) -> None:
    query = update.callback_query
    assert query is not None
    ended = await ctx.services.admin.sessions.revoke_all(ctx.actor, "telegram")
    await record_tap(ctx, query, ctx.t)
    text = ctx.t.n(
        "✅ Signed out everywhere: {count} web session ended. Send /admin to sign in again.",
        "✅ Signed out everywhere: {count} web sessions ended. Send /admin to sign in again.",
        ended,
    )
    await reply(ctx, update, text)
