"""gettext catalogs from `locales/`, and a translator that escapes what it interpolates.

Catalogs are read from the `.po` files at start-up (no compile step to forget). Messages use
English msgids with named `{placeholders}`; every parameter is HTML-escaped unless it is
wrapped in `Html`, because every reply is sent in Telegram's HTML parse mode.
"""

from __future__ import annotations

import gettext
import html
import io
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.domain import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


class Html(str):
    """Text that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    return msgid


def NP_(context: str, msgid: str) -> tuple[str, str]:  # noqa: N802 - gettext convention
    """Mark a msgid that needs a context (the same English word, different translations)."""
    return context, msgid


def escape(value: object) -> str:
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


class Translator:
    def __init__(self, locale: str, translations: gettext.NullTranslations) -> None:
        self.locale = locale
        self._tr = translations

    def __call__(self, msgid: str, **params: Any) -> str:
        text = self._tr.gettext(msgid)
        return text.format(**{k: escape(v) for k, v in params.items()}) if params else text

    def n(self, singular: str, plural: str, count: int, **params: Any) -> str:
        text = self._tr.ngettext(singular, plural, count)
        values = {k: escape(v) for k, v in params.items()}
        return text.format(count=count, **values)

    def raw(self, msgid: str) -> str:
        """The translation without formatting, for labels and button texts."""
        return self._tr.gettext(msgid)

    def pt(self, context: str, msgid: str) -> str:
        """A label whose English word means different things in different places."""
        return self._tr.pgettext(context, msgid)


def load_catalog(locale: str, directory: Path = LOCALES_DIR) -> gettext.NullTranslations:
    po_path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Catalogs:
    """Every supported language's translator, loaded once."""

    def __init__(self, default: str = "en", directory: Path = LOCALES_DIR) -> None:
        self.default = default
        self._by_locale = {
            lang: Translator(lang, load_catalog(lang, directory)) for lang in LANGUAGES
        }

    def get(self, locale: str | None) -> Translator:
        return self._by_locale.get(locale or self.default) or self._by_locale[self.default]
