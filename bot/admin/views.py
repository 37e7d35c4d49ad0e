"""The settings page as a pure function of (translator, data); the billing page is
bot/admin/billing_view.py."""

from __future__ import annotations

from bot.admin.html import (
    Safe,
    SafeText,
    button,
    checkbox,
    field,
    form,
    join,
    notice,
    page,
    select,
    tag,
)
from core.admin.model import ApiToken
from core.admin.org_settings import CredentialView, OrgSettingsView
from core.notifications.rules import MAX_REMINDER_MINUTES
from core.regional import COMMON_RU_ZONES, CURRENCIES
from handlers.i18n import N_

CREDENTIAL_LABELS = {
    "salutespeech_key": N_("SaluteSpeech authorization key"),
    "openrouter_key": N_("OpenRouter API key"),
    "yandex_cloud_key": N_("Yandex Cloud API key"),
    "yandex_folder_id": N_("Yandex Cloud folder ID"),
    "dadata_token": N_("DaData API token"),
    "yandex_maps_key": N_("Yandex Maps API key"),
    "pbx_key": N_("PBX API key"),
    "pbx_secret": N_("PBX API secret"),
}


def settings_page(
    t: SafeText,
    view: OrgSettingsView,
    csrf: str,
    tokens: list[ApiToken],
    message: Safe | None = None,
) -> str:
    sections = [
        message or "",
        _profile(t, view, csrf),
        _categories(t, view, csrf),
        _rules(t, view, csrf),
        _credentials(t, view.credentials, csrf),
        _tokens(t, tokens, csrf),
        form("/signout", csrf, button(t("Sign out"), "sign-out", "secondary")),
    ]
    return page(t, t("Settings"), join(sections), view.organization.name)


def _profile(t: SafeText, view: OrgSettingsView, csrf: str) -> Safe:
    org = view.organization
    zones = Safe("".join(f'<option value="{z}">' for z in COMMON_RU_ZONES))
    languages = [("en", "English"), ("ru", "Русский")]
    body = form(
        "/settings/profile",
        csrf,
        field(t("Name"), "name", org.name, required=True, maxlength=100),
        field(t("Time zone"), "timezone", org.timezone, list="zones", required=True),
        tag("datalist", zones, id="zones"),
        select(t("Currency"), "currency", [(c, c) for c in CURRENCIES], org.currency),
        select(t("Language of the organization"), "language", languages, org.language),
        button(t("Save profile"), "save-profile"),
        testid="profile-form",
    )
    return tag("section", join([tag("h2", t("Organization")), body]))


def _categories(t: SafeText, view: OrgSettingsView, csrf: str) -> Safe:
    text = "\n".join(view.categories)
    body = form(
        "/settings/categories",
        csrf,
        tag("label", t("Service categories, one per line"), for_="categories"),
        tag("textarea", text, name="categories", id="categories"),
        button(t("Save categories"), "save-categories"),
    )
    return tag("section", join([tag("h2", t("Service categories")), body]))


def _rules(t: SafeText, view: OrgSettingsView, csrf: str) -> Safe:
    prefs = view.preferences
    body = form(
        "/settings/preferences",
        csrf,
        field(t("My daily digest at"), "digest_time", prefs.digest_time, "time", required=True),
        field(
            t("Remind me this many minutes before an order of mine (0: off)"),
            "reminder_minutes",
            prefs.reminder_minutes,
            "number",
            min=0,
            max=MAX_REMINDER_MINUTES,
        ),
        field(
            t("Photos required before an order is done"),
            "photos_required",
            view.organization.photos_required,
            "number",
            min=0,
            max=20,
        ),
        checkbox(
            t("Tell managers about new orders"), "notify_new_orders", prefs.notify_new_orders
        ),
        checkbox(t("Tell managers when an order is done"), "notify_done", prefs.notify_done),
        checkbox(t("Tell managers about payments"), "notify_payments", prefs.notify_payments),
        button(t("Save"), "save-preferences"),
    )
    hint = tag(
        "p",
        t("Your digest and reminders are the same settings as /notifications in the bot."),
        class_="muted",
    )
    return tag("section", join([tag("h2", t("Digests, reminders and rules")), hint, body]))


def _credentials(t: SafeText, creds: list[CredentialView], csrf: str) -> Safe:
    rows = []
    for cred in creds:
        if cred.name not in CREDENTIAL_LABELS:  # an obsolete one: under client payments
            continue
        shown = cred.masked if cred.masked else t("not set")
        if not cred.readable:
            shown = t("unreadable: enter it again")
        rows.append(
            tag(
                "tr",
                join([tag("td", t(CREDENTIAL_LABELS[cred.name])), tag("td", shown)]),
                data_testid=f"credential-{cred.name}",
            )
        )
    options = [(name, t(label)) for name, label in CREDENTIAL_LABELS.items()]
    body = form(
        "/settings/credentials",
        csrf,
        select(t("Integration"), "name", options, "dadata_token"),
        field(t("Key (leave empty to remove the stored one)"), "value", "", "password"),
        button(t("Save key"), "save-credential"),
    )
    hint = tag(
        "p",
        t(
            "Keys are stored encrypted and never shown whole. "
            "Without one, the server's own is used."
        ),
        class_="muted",
    )
    table = tag("table", join(rows))
    return tag("section", join([tag("h2", t("Integrations")), hint, table, body]))


def _tokens(t: SafeText, tokens: list[ApiToken], csrf: str) -> Safe:
    rows = [
        tag(
            "tr",
            join(
                [
                    tag("td", token.name),
                    tag("td", token.prefix + "…"),
                    tag(
                        "td",
                        form(
                            f"/settings/tokens/{token.id}/revoke",
                            csrf,
                            button(t("Revoke"), None, "secondary"),
                        ),
                    ),
                ]
            ),
        )
        for token in tokens
    ]
    create = form(
        "/settings/tokens",
        csrf,
        field(t("Name of the new token"), "name", "", required=True, maxlength=60),
        button(t("Create a token"), "create-token"),
    )
    return tag("section", join([tag("h2", t("API tokens")), tag("table", join(rows)), create]))


def token_notice(t: SafeText, token: str) -> Safe:
    text = t("Your new API token. It is shown only now; store it safely:")
    return join([notice(text), tag("p", token, class_="notice token", data_testid="new-token")])
