"""The "Client messages" page as pure functions of (translator, data): the client-loop
settings (which messages are sent, the reminder time, quiet hours, the rating delay, prices,
photos, relaying) and, for one language, every message kind's text (the organization's or the
built-in one), its variables explained, Save / Preview / Reset to default, and a preview as
Telegram and an SMS would show it. Managers see it read-only (no Save or Reset).

The kinds and variables come from `core.client_loop.templates` (`EDITABLE`, `VARIABLES`,
`REQUIRED`): a kind or variable added there appears here; one without a label below shows its
own name."""

from __future__ import annotations

from dataclasses import dataclass

from bot.admin.client_settings_view import PATH, kind_label, settings_form
from bot.admin.html import Safe, SafeText, form, join, page, tag
from core.client_loop.model import ClientLoopSettings, MessageKind, Template
from core.client_loop.preview import TELEGRAM_MAX, Preview
from core.client_loop.templates import LANGUAGES, REQUIRED, TEMPLATE_MAX, VARIABLES
from handlers.i18n import N_

LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
VARIABLE_HINTS = {
    "client_first_name": N_("the client's first name"),
    "org_name": N_("your organization's name"),
    "order_number": N_("the order's number"),
    "date": N_("the visit's date"),
    "time": N_("the visit's time"),
    "address": N_("the address"),
    "work": N_("what will be done"),
    "page_link": N_("the link to the order's client page"),
    "worker_first_name": N_("the assignee's first name"),
    "eta": N_("how soon the worker arrives"),
    "amount": N_("the amount (only if prices are shown)"),
    "pay_link": N_("the payment link"),
    "reason": N_("the reason of the cancellation"),
    "old_date": N_("the date before the move"),
    "old_time": N_("the time before the move"),
    "text": N_("the staff member's message"),
}


@dataclass(frozen=True, slots=True)
class Slot:
    """What one kind's block shows: the text (as typed when refused or previewed), whether
    it is the organization's own, the problem next to it, the preview."""

    template: Template
    body: str
    problem: str | None = None
    preview: Preview | None = None

    @property
    def kind(self) -> MessageKind:
        return self.template.kind

    @classmethod
    def typed(
        cls,
        kind: MessageKind,
        body: str,
        problem: str | None = None,
        preview: Preview | None = None,
    ) -> Slot:
        """What was typed for `kind` (the stored template is filled in when drawn)."""
        return cls(Template(kind, "", body), body, problem, preview)


def _variables(t: SafeText, kind: MessageKind) -> Safe:
    required = REQUIRED.get(kind, frozenset())
    items = []
    for name in sorted(VARIABLES[kind]):
        hint = VARIABLE_HINTS.get(name)
        text = [tag("code", "{" + name + "}"), " — ", t(hint) if hint else ""]
        if name in required:
            text.append(tag("strong", t(" (required)")))
        items.append(tag("li", join(text)))
    return tag("ul", join(items), class_="muted", data_testid=f"variables-{kind.value}")


def _preview(t: SafeText, shown: Preview) -> Safe:
    bubble = tag(
        "div", shown.text, class_="bubble", data_testid="preview-telegram",
        style="white-space:pre-wrap;background:#effdde;border-radius:10px;padding:8px 12px;"
        "max-width:420px",
    )  # fmt: skip
    encoding = "GSM-7" if shown.segments.encoding.value == "gsm7" else "UCS-2"
    count = t.n(
        "SMS: {count} segment, {encoding}, {units} characters",
        "SMS: {count} segments, {encoding}, {units} characters",
        shown.segments.segments,
        encoding=encoding,
        units=shown.segments.units,
    )
    sms = (
        tag("pre", shown.sms, data_testid="preview-sms", style="white-space:pre-wrap")
        if shown.sms is not None
        else tag(
            "p", t("Too long for two SMS segments: SMS clients get it by e-mail."), class_="error"
        )
    )
    lines = [
        tag("h4", t("Preview in Telegram")),
        bubble,
        tag(
            "p",
            t(
                "Telegram: {length} of {limit} characters",
                length=len(shown.text),
                limit=TELEGRAM_MAX,
            ),
            class_="muted",
        ),
        tag("h4", t("As an SMS")),
        sms,
        tag("p", count, data_testid="preview-segments"),
        tag("p", t("E-mail subject: {subject}", subject=shown.subject), class_="muted"),
    ]
    return tag("div", join(lines), data_testid="preview")


def template_block(
    t: SafeText, csrf: str, slot: Slot, sent: bool, owner: bool, language: str
) -> Safe:
    kind = slot.template.kind
    state = t("sent") if sent else t("not sent")
    origin = t("your text") if slot.template.custom else t("built-in text")
    head = tag("h3", join([kind_label(t, kind), " · ", state, " · ", origin]))
    area_id = f"body-{kind.value}"
    area = tag(
        "textarea", slot.body, name="body", id=area_id, maxlength=TEMPLATE_MAX * 2,
        readonly=not owner, aria_invalid="true" if slot.problem else None,
    )  # fmt: skip
    parts: list[object] = [
        Safe(f'<input type="hidden" name="kind" value="{kind.value}">'),
        Safe(f'<input type="hidden" name="language" value="{language}">'),
        tag("label", t("Text"), for_=area_id),
        area,
    ]
    if slot.problem:
        parts.append(
            tag(
                "p",
                Safe(slot.problem),
                class_="notice error",
                role="alert",
                data_testid=f"problem-{kind.value}",
            )
        )
    parts.append(_variables(t, kind))
    preview_button = tag(
        "button",
        t("Preview"),
        type="submit",
        name="action",
        value="preview",
        class_="secondary",
        data_testid=f"preview-{kind.value}",
    )
    parts.append(preview_button)
    if owner:
        parts.append(
            tag(
                "button",
                t("Save"),
                type="submit",
                name="action",
                value="save",
                data_testid=f"save-{kind.value}",
            )
        )
        parts.append(
            tag(
                "button",
                t("Reset to default"),
                type="submit",
                name="action",
                value="reset",
                class_="secondary",
                data_testid=f"reset-{kind.value}",
            )
        )
    body = form(f"{PATH}/template", csrf, *parts, testid=f"template-{kind.value}")
    shown = _preview(t, slot.preview) if slot.preview else ""
    return tag(
        "section", join([head, body, shown]), id=kind.value, data_testid=f"kind-{kind.value}"
    )


def client_messages_page(
    t: SafeText,
    org_name: str,
    csrf: str,
    settings: ClientLoopSettings,
    slots: list[Slot],
    language: str,
    owner: bool,
    message: Safe | None = None,
) -> str:
    switch = join(
        [
            tag("a", LANGUAGE_NAMES.get(code, code), href=f"{PATH}?lang={code}",
                style="margin-right:12px", aria_current="page" if code == language else None)
            for code in LANGUAGES
        ]
    )  # fmt: skip
    hint = tag(
        "p",
        t("Each message has a built-in text in Russian and English; your text replaces it for "
          "every client from the moment you save it. Write variables in braces, like {example}; "
          "{{ and }} are literal braces.", example="{time}"),
        class_="muted",
    )  # fmt: skip
    if not owner:
        hint = join([hint, tag("p", t("Only owners can change these."), class_="muted")])
    texts = [
        template_block(t, csrf, slot, settings.sends(slot.template.kind), owner, language)
        for slot in slots
    ]
    heading = tag("h2", t("Texts in {language}", language=LANGUAGE_NAMES.get(language, language)))
    sections = [
        message or "",
        settings_form(t, csrf, settings, owner),
        tag("section", join([heading, hint, tag("p", switch, data_testid="languages")])),
        *texts,
    ]
    return page(t, t("Client messages"), join(sections), org_name)


def link_section(t: SafeText) -> Safe:
    """On the settings page: where the client messages are set."""
    text = t("Which messages clients get, when, and their texts in Russian and English.")
    link = tag("a", t("Open client messages"), href=PATH, data_testid="client-messages-link")
    return tag(
        "section",
        join([tag("h2", t("Client messages")), tag("p", text), link]),
        data_testid="client-messages",
    )
