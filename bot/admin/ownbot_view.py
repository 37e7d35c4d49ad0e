"""The own-bot page's HTML (bot/admin/ownbot_page.py; docs/own-bot.md): how to make a bot in
@BotFather, the connected bot (its state, whether staff use it, when it was connected, in
the organization's zone) with "Staff use it too" and "Disconnect" (asked once more), and
the form a token is pasted into. The token is never put into a page: the field is always
empty."""

from __future__ import annotations

from datetime import datetime

from bot.admin.html import Safe, SafeText, button, field, form, join, tag
from core.ownbot.model import BotState, OwnBot
from handlers.formatting import when
from handlers.i18n import N_

PATH = "/settings/ownbot"
STATES = {  # the chat's words (handlers/ownbot.py), but where a new token is pasted
    BotState.CHECKING: N_("⏳ checking the token with Telegram"),
    BotState.ACTIVE: N_("✅ working"),
    BotState.REVOKED: N_("⚠️ Telegram refused the token. Paste a new token from @BotFather below."),
}
DONE = {  # what the page says after a change (?done=...)
    "checking": N_(
        "⏳ The token is being checked with Telegram. You will be told in Telegram when the "
        "bot is connected."
    ),
    "saved": N_("Saved."),
    "gone": N_(
        "🔌 The bot is disconnected and its token forgotten. Everyone uses the shared bot."
    ),
}
# Refusals said the page's way (the chat's words ask for /ownbot); the rest as in the chat.
REFUSALS = {
    "ownbot_token_invalid": N_(
        "That is not a bot token. @BotFather gives it as digits, a colon and 35 characters, "
        "e.g. 123456789:AAH…"
    ),
    "ownbot_none": N_("No bot of the organization's own is connected."),
}


def link_section(t: SafeText) -> Safe:
    """The settings page's pointer to this page."""
    text = t("Clients write to a bot with your business's name.")
    link = tag("a", t("Your business's own bot"), href=PATH, data_testid="ownbot-link")
    title = tag("h2", t("Your business's own bot"))
    return tag("section", join([title, tag("p", join([text, " ", link]))]))


def how_to(t: SafeText) -> Safe:
    steps = (
        t("1. In @BotFather send /newbot and choose the bot's name and username."),
        t(
            "2. Paste the token @BotFather gives (e.g. 123456789:AAH…) below. Or send the "
            "bot /ownbot and the token."
        ),
        t(
            "3. Telegram is asked about the token, the bot's menu and description are set in "
            "Russian and English, and you are told in Telegram when the bot is connected."
        ),
    )
    intro = t(
        "Clients can write to a bot with your business's name instead of the shared one, and "
        "the bot stays the business's when people leave."
    )
    return tag("section", join([tag("p", intro), *(tag("p", s) for s in steps)]))


def _name(t: SafeText, bot: OwnBot) -> Safe:
    if bot.username and bot.link:
        return tag("a", f"@{bot.username}", href=bot.link, data_testid="ownbot-name")
    return tag("span", t("bot {id}", id=bot.telegram_id), data_testid="ownbot-name")


def status_section(
    t: SafeText, csrf: str, bot: OwnBot, zone: str, now: datetime, asking: bool = False
) -> Safe:
    """The connected bot; `asking`: "Disconnect" was pressed, the page asks once more."""
    tr = t.translator
    lines = [
        t("State: {state}", state=tr(STATES[bot.state])),
        t("Staff use it too.") if bot.serves_staff else t("Staff keep using the shared bot."),
        t("Connected {when}.", when=when(tr, bot.connected_at, zone, now)),
    ]
    if bot.checked_at is not None:
        lines.append(t("Last checked {when}.", when=when(tr, bot.checked_at, zone, now)))
    shown = [tag("h2", _name(t, bot)), *(tag("p", line) for line in lines)]
    if asking:
        question = t(
            "Disconnect the bot? Its token is forgotten, and clients and staff use the "
            "shared bot again."
        )
        sure = Safe('<input type="hidden" name="sure" value="1">')
        yes = button(t("🔌 Yes, disconnect"), "ownbot-disconnect-sure")
        back = tag("a", t("⬅️ Back"), href=PATH, data_testid="ownbot-back")
        shown += [tag("p", question), form(f"{PATH}/disconnect", csrf, sure, yes), back]
    else:
        turn = "0" if bot.serves_staff else "1"  # the switch sets the other way
        label, testid = (
            (t("👥 Staff: shared bot instead"), "ownbot-staff-off")
            if bot.serves_staff
            else (t("👥 Staff use it too"), "ownbot-staff-on")
        )
        on = Safe(f'<input type="hidden" name="on" value="{turn}">')
        staff = form(f"{PATH}/staff", csrf, on, button(label, testid, "secondary"))
        off = button(t("🔌 Disconnect"), "ownbot-disconnect", "secondary")
        gone = form(f"{PATH}/disconnect", csrf, off)
        shown += [staff, gone]
    return tag("section", join(shown), data_testid="ownbot-status")


def token_section(t: SafeText, csrf: str, replaces: bool) -> Safe:
    """The token's form: a password field, never filled in, never remembered by the browser."""
    box = field(
        t("Bot token from @BotFather"), "token", "", "password",
        required=True, maxlength=100, autocomplete="off", spellcheck="false",
    )  # fmt: skip
    replacing = tag("p", t("A new token replaces the connected bot."), class_="muted")
    hint = replacing if replaces else ""
    made = form(PATH, csrf, box, hint, button(t("Connect the bot"), "ownbot-connect"),
                testid="ownbot-token")  # fmt: skip
    return tag("section", join([tag("h2", t("Connect the bot")), made]))


def body(t: SafeText, csrf: str, shown: Safe | None, top: Safe | None, available: bool) -> Safe:
    """The page: a notice, the bot (if any), how to make one and the token's form (when
    this server can keep tokens)."""
    parts = [top or "", shown or "", how_to(t)]
    if available:
        parts.append(token_section(t, csrf, shown is not None))
    return join(parts)
