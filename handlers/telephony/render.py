"""Pure renderers of calls: list lines, the managers' alerts and summaries, their buttons,
and the sentences for the telephony error codes."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.telephony.call_ai import CallSummary
from core.telephony.events import Call, CallOutcome, Direction, RecordingState
from core.views import CallView
from handlers import callbacks as cb
from handlers.formatting import phone, short_time, when
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button

TRANSCRIPT_SHOWN = 1500
OUTCOME = {
    CallOutcome.ANSWERED: "✅",
    CallOutcome.MISSED: "❌",
    CallOutcome.BUSY: "⛔",
    CallOutcome.FAILED: "⚠️",
}
DIRECTION = {Direction.INCOMING: "↙️", Direction.OUTGOING: "↗️"}
CALL_ERRORS: dict[str, str] = {
    "recording_unconfirmed": N_("Recording needs your confirmation that it is lawful for you."),
    "recording_off": N_("Turn call recording on first: transcription works on recordings."),
    "extension_invalid": N_("An extension is digits only, for example {example}."),
    "call_no_client": N_("This number has no client card yet: add the client first."),
    "call_no_open_orders": N_("{name} has no open orders to attach this call to."),
    "call_attached": N_("This call is already attached to an order."),
}


def duration(seconds: int | None) -> str:
    """95 -> 1:35, 3700 -> 1:01:40."""
    total = max(seconds or 0, 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def number(t: Translator, call: Call) -> str:
    if call.client_phone:
        return phone(call.client_phone)
    return t.raw("a hidden number")


def who(t: Translator, view: CallView) -> str:
    """The client's name, or their number."""
    return view.client.name if view.client else number(t, view.call)


def call_line(t: Translator, view: CallView) -> str:
    """`14:03 ↙️ ✅ Пётр Сидоров · 1:35 · Olga 🎙` for /calls."""
    call, zone = view.call, view.organization.timezone
    icon = OUTCOME.get(call.outcome, "⏳") if call.outcome else "⏳"
    parts = [f"{short_time(t, call.started_at, zone)} {DIRECTION[call.direction]} {icon}"]
    parts[0] += " " + escape(who(t, view))
    if view.client is None:
        parts[0] += " " + t("(unknown)")
    if call.outcome is CallOutcome.ANSWERED:
        parts.append(duration(call.duration))
    if view.member is not None:
        parts.append(escape(view.member.display_name))
    line = " · ".join(parts)
    return line + (" 🎙" if call.recording_key else "")


def call_brief(t: Translator, call: Call, zone: str) -> str:
    """One line of a client card's recent calls."""
    icon = OUTCOME.get(call.outcome, "⏳") if call.outcome else "⏳"
    line = f"{escape(when(t, call.started_at, zone))} {DIRECTION[call.direction]} {icon}"
    if call.outcome is CallOutcome.ANSWERED:
        line += " · " + duration(call.duration)
    return line


def missed_text(t: Translator, view: CallView) -> str:
    call = view.call
    at = short_time(t, call.started_at, view.organization.timezone)
    if view.client is not None:
        text = t(
            "📞 <b>Missed call</b> from {client} ({phone}) at {time}.",
            client=view.client.name,
            phone=number(t, call),
            time=at,
        )
    else:
        text = t(
            "📞 <b>Missed call</b> from an unknown number {phone} at {time}. A new order?",
            phone=number(t, call),
            time=at,
        )
    return text + _callback_line(t, view)


def _callback_line(t: Translator, view: CallView) -> str:
    if view.callback is None:
        return ""
    return "\n" + t("☎️ {name} is calling back.", name=view.callback.display_name)


def missed_keyboard(t: Translator, view: CallView) -> InlineKeyboardMarkup | None:
    call_id = view.call.id
    buttons: list[InlineKeyboardButton] = []
    if view.client is None:
        buttons.append(button(t.raw("➕ Create order"), cb.CallOrder(call_id)))
    if view.callback is None:
        buttons.append(button(t.raw("☎️ I'll call back"), cb.CallBack(call_id)))
    if view.client is not None:
        buttons.append(button(t.raw("👤 Client"), cb.OpenClient(view.client.id)))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def unknown_text(t: Translator, view: CallView) -> str:
    call = view.call
    return t(
        "📞 A call from an unknown number {phone} at {time} ({duration}). A new client?",
        phone=number(t, call),
        time=short_time(t, call.started_at, view.organization.timezone),
        duration=duration(call.duration),
    )


def new_client_keyboard(t: Translator, view: CallView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t.raw("👤 New client"), cb.CallNewClient(view.call.id)),
                button(t.raw("➕ Create order"), cb.CallOrder(view.call.id)),
            ]
        ]
    )


def summary_text(t: Translator, view: CallView) -> str:
    call = view.call
    at = short_time(t, call.started_at, view.organization.timezone)
    arrow = DIRECTION[call.direction]
    header = t(
        "📞 {arrow} <b>Call</b> with {who} at {time}", arrow=arrow, who=who(t, view), time=at
    )
    lines = [header + f" · {duration(call.duration)}"]
    if view.member is not None:
        lines.append(t("Answered by {name}", name=view.member.display_name))
    if call.summary:
        lines += _summary_lines(t, CallSummary.from_dict(call.summary))
    elif call.recording_state is RecordingState.FAILED:
        lines.append(t("I could not transcribe the recording; it is kept."))
    elif call.transcript:
        shown = call.transcript[:TRANSCRIPT_SHOWN]
        lines.append(f"<blockquote expandable>{escape(shown)}</blockquote>")
        if not view.organization.ai_summaries:  # the owner's switch (docs/data-rights.md)
            lines.append(t("No AI summary: AI summaries are off for your organization."))
    elif not view.organization.ai_speech:
        lines.append(t("Transcription is off for your organization; the recording is kept."))
    else:
        lines.append(t("Nothing was said that I could make out."))
    return "\n".join(lines)


def _summary_lines(t: Translator, summary: CallSummary) -> list[str]:
    lines = ["📝 " + escape(summary.summary)]
    if summary.request:
        lines.append(t("Asks for: {text}", text=summary.request))
    if summary.address:
        lines.append(t("Where: {text}", text=summary.address))
    if summary.when:
        lines.append(t("When: {text}", text=summary.when))
    if summary.follow_up:
        lines.append(t("Next: {text}", text=summary.follow_up))
    return lines


def summary_keyboard(t: Translator, view: CallView) -> InlineKeyboardMarkup:
    call_id = view.call.id
    first = [button(t.raw("➕ Create order"), cb.CallOrder(call_id))]
    if view.client is not None:
        first.append(button(t.raw("📎 Attach to order"), cb.CallAttach(call_id)))
    else:
        first.append(button(t.raw("👤 New client"), cb.CallNewClient(call_id)))
    return InlineKeyboardMarkup([first])
