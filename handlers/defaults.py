"""Starting content for a new organization, in the owner's language."""

from __future__ import annotations

from handlers.i18n import N_, Translator

DEFAULT_CATEGORIES = (
    N_("Cleaning"),
    N_("Repair"),
    N_("Installation"),
    N_("Plumbing"),
    N_("Appliance service"),
    N_("Other"),
)


def default_categories(t: Translator) -> list[str]:
    return [t.raw(name) for name in DEFAULT_CATEGORIES]
