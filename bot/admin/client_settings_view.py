"""The client-loop settings form of the "Client messages" page: per kind whether it is sent
and whether it may go by SMS and by e-mail, the reminder time, the 2-hour reminder, quiet
hours, the rating delay, prices, photos, relaying, and the "on my way" settings."""

from __future__ import annotations

from bot.admin.html import Safe, SafeText, button, checkbox, field, form, join, tag
from core.client_loop.model import OFF_CHANNELS, ClientLoopSettings, MessageKind
from core.client_loop.templates import EDITABLE
from handlers.i18n import N_

PATH = "/settings/client-messages"
KIND_LABELS = {
    "confirmation": N_("Booking confirmation"),
    "reminder": N_("Reminder the day before"),
    "reminder_2h": N_("Reminder 2 hours before"),
    "on_my_way": N_("On my way"),
    "arrived": N_("Arrived"),
    "done": N_("Work done"),
    "payment_link": N_("Payment link"),
    "receipt": N_("Payment receipt"),
    "rating_request": N_("Rating request"),
    "cancelled": N_("Order cancelled"),
    "rescheduled": N_("Order moved"),
    "total_changed": N_("New total after work on site"),
    "invoice": N_("Invoice and service report"),
    "staff_message": N_("Message from staff"),
    "quote": N_("Quote"),
    "quote_reminder": N_("Quote reminder"),
    "series_changed": N_("Recurring visits changed"),
}


def kind_label(t: SafeText, kind: MessageKind) -> Safe:
    label = KIND_LABELS.get(kind.value)
    return t(label) if label else Safe(kind.value)


def settings_form(t: SafeText, csrf: str, settings: ClientLoopSettings, owner: bool) -> Safe:
    parts = [
        tag("h3", t("Which messages are sent")),
        _kinds(t, settings),
        tag("h3", t("Times")),
        field(t("Reminder the day before at"), "reminder_at", settings.reminder_at, "time"),
        checkbox(t("Also remind 2 hours before"), "reminder_2h", settings.reminder_2h),
        checkbox(t("No SMS from 21:00 to 09:00"), "quiet_hours", settings.quiet_hours),
        field(
            t("Ask for a rating this many minutes after payment"),
            "rating_delay_minutes",
            settings.rating_delay_minutes,
            "number",
            min=0,
        ),
        tag("h3", t("What clients get")),
        checkbox(t("Show prices to clients"), "show_prices", settings.show_prices),
        checkbox(
            t("Send the order's photos when it is done"), "send_photos", settings.send_photos
        ),
        checkbox(
            t("Relay clients' messages to the assignee too"),
            "relay_to_assignee",
            settings.relay_to_assignee,
        ),
        _eta(t, settings),
    ]
    if owner:
        parts.append(button(t("Save client message settings"), "save-client-loop"))
        body = form(f"{PATH}/settings", csrf, *parts, testid="client-loop-settings")
    else:
        body = tag("fieldset", join(parts), disabled=True)
    return tag("section", join([tag("h2", t("Client messages: settings")), body]))


def _kinds(t: SafeText, settings: ClientLoopSettings) -> Safe:
    """One row per kind: sent or not, and whether it may go by SMS and by e-mail (Telegram
    always may: a linked client chose it)."""
    off = settings.channels_off
    head = tag("tr", join(tag("th", x) for x in ("", t("Sent"), t("By SMS"), t("By e-mail"))))
    rows = [head]
    for kind in EDITABLE:
        # The 2-hour reminder is on or off by "Also remind 2 hours before".
        sent = (
            checkbox("", f"send_{kind.value}", kind not in settings.disabled)
            if kind is not MessageKind.REMINDER_2H
            else ""
        )
        cells = [tag("td", kind_label(t, kind)), tag("td", sent)]
        for channel in OFF_CHANNELS:
            name = f"{channel.value}_{kind.value}"
            cells.append(tag("td", checkbox("", name, (kind, channel) not in off)))
        rows.append(tag("tr", join(cells)))
    return tag("table", join(rows), data_testid="client-loop-kinds")


def _eta(t: SafeText, settings: ClientLoopSettings) -> Safe:
    """The "on my way" settings, when this build has them (migration 0020)."""
    if not hasattr(settings, "eta_detour"):
        return Safe("")
    return join(
        [
            checkbox(
                t('Tell SMS and e-mail clients "arrived" too'),
                "arrived_elsewhere",
                getattr(settings, "arrived_elsewhere", False),
            ),
            checkbox(
                t("The client approves a total changed on site before the order is done"),
                "approve_total",
                getattr(settings, "approve_total", False),
            ),
            field(
                t("ETA detour factor"), "eta_detour", getattr(settings, "eta_detour", ""), "text"
            ),
            field(
                t("Average city speed, km/h"), "eta_speed_kmh",
                getattr(settings, "eta_speed_kmh", ""), "number",
            ),
        ]
    )  # fmt: skip
