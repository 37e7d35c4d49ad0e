"""The settings page's "Website requests" form (issue 21, item 1; docs/widget.md): intake
on or off, the state a request arrives in, the websites allowed to send (exact origins, the
CORS allow-list), the public key with a button that makes a new one, and the embed snippet
to paste into the website. Posted like the page's other forms (CSRF, one unit of work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import FormData

from bot.admin.html import Safe, SafeText, button, checkbox, form, join, select, tag
from core.domain import Actor
from core.intake.model import DISTRIBUTING, DRAFT, MAX_ORIGINS, ORIGIN_MAX, REQUIRABLE
from core.intake.settings import IntakeView
from core.services import Services

if TYPE_CHECKING:
    from bot.admin.pages import Page

PATH = "/settings/intake"
KEY_PATH = "/settings/intake/key"
PUBLIC_API = "/api/public/v1"
SCRIPT = "/widget/v1/astra-widget.js"


def snippet(base: str, key: str, language: str, icon: str = "none") -> str:
    """What the owner pastes into the website: the script and a floating widget."""
    chosen = f' button-icon="{icon}"' if icon != "none" else ""
    return (
        f'<script src="{base}{SCRIPT}" defer></script>\n'
        f'<astra-order-widget mode="floating" api-url="{base}{PUBLIC_API}"\n'
        f'  api-key="{key}" locale="{language}"{chosen}></astra-order-widget>'
    )


def _field_names(t: SafeText) -> dict[str, str]:
    return {
        "email": str(t("E-mail")),
        "address": str(t("Address")),
        "preferred_time": str(t("Preferred time")),
        "comment": str(t("Comment")),
    }


def _icon_names(t: SafeText) -> dict[str, str]:
    return {
        "none": str(t("No icon")),
        "phone": str(t("Phone handset")),
        "chat": str(t("Chat bubble")),
        "calendar": str(t("Calendar")),
        "tools": str(t("Tools")),
    }


def section(t: SafeText, csrf: str, view: IntakeView, base: str, language: str) -> Safe:
    settings = view.settings
    states = [
        (DRAFT, str(t("Held for review (managers accept or reject)"))),
        (DISTRIBUTING, str(t("Offered to all workers at once"))),
    ]
    origins = tag("textarea", "\n".join(settings.origins), name="origins", id="origins", rows=4)
    choices = form(
        PATH,
        csrf,
        checkbox(t("Accept requests from websites"), "enabled", settings.enabled),
        select(t("A new request is"), "state", states, settings.state),
        tag("label", t("Websites allowed to send, one per line"), for_="origins"),
        origins,
        tag("p", t("For example https://example.com (at most {limit}).", limit=MAX_ORIGINS)),
        tag("p", t("Required fields in the form")),
        join(
            [
                checkbox(label, f"required_{name}", name in settings.required)
                for name, label in _field_names(t).items()
            ]
        ),
        select(t("Floating button icon"), "icon", list(_icon_names(t).items()), settings.icon),
        button(t("Save"), "save-intake"),
        testid="intake",
    )
    parts = [tag("h2", t("Website requests")), choices]
    if view.public_key:
        parts += [
            tag("p", t("Public key (not secret; it names your organization):")),
            tag("code", view.public_key, data_testid="intake-key"),
            form(KEY_PATH, csrf, button(t("Make a new key"), "new-intake-key")),
            tag("p", t("Paste this into your website:")),
            tag(
                "pre",
                snippet(base, view.public_key, language, settings.icon),
                data_testid="intake-snippet",
            ),
        ]
    return tag("section", join(parts), id="intake")


def _text(submitted: FormData, name: str, limit: int) -> str:
    value = submitted.get(name)
    return value[:limit] if isinstance(value, str) else ""


async def save(services: Services, actor: Actor, submitted: FormData) -> None:
    lines = _text(submitted, "origins", (ORIGIN_MAX + 2) * (MAX_ORIGINS + 1)).splitlines()
    await services.intake_settings.configure(
        actor,
        enabled=submitted.get("enabled") == "1",
        state=_text(submitted, "state", 16),
        origins=lines,
        required=[name for name in REQUIRABLE if submitted.get(f"required_{name}") == "1"],
        icon=_text(submitted, "icon", 16) or "none",
    )


async def new_key(services: Services, actor: Actor, _submitted: FormData) -> None:
    await services.intake_settings.regenerate(actor)


async def shown(services: Services, current: Page) -> Safe:
    """The section for the settings page (owners)."""
    view = await services.intake_settings.view(current.actor)
    org = current.actor.organization
    language = current.actor.user.preferred_language(org.language if org else "ru")
    base = services.admin.public_url
    return section(current.t, current.csrf, view, base, language)
