"""Every user-visible string has a Russian translation with the same placeholders."""

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from handlers.i18n import LOCALES_DIR, Catalogs

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "t": None,
    "tt": None,
    "raw": None,
    "n": (1, 2),
    "N_": None,
    "pt": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
METHOD_MAP = [("core/**.py", "python"), ("handlers/**.py", "python"), ("bot/**.py", "python")]


def _source_messages() -> set[tuple[str, str | None]]:
    """(msgid, context) of every marked string in the code."""
    found: set[tuple[str, str | None]] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS, comment_tags=()
    ):
        found.add((message if isinstance(message, str) else message[0], context))
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.fixture(scope="module")
def russian():
    with (LOCALES_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file, locale="ru")


def test_every_source_string_is_translated(russian):
    missing = []
    for msgid, context in _source_messages():
        entry = russian.get(msgid, context=context)
        empty = (
            entry is None
            or not entry.string
            or (isinstance(entry.string, tuple) and not all(entry.string))
        )
        if empty:
            missing.append(msgid)
    assert not missing, f"add Russian for (run `make messages`): {missing}"


def test_placeholders_match(russian):
    for entry in russian:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        expected = set().union(*(_placeholders(i) for i in ids)) - {"count"}
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for translated in strings:
            assert _placeholders(translated) - {"count"} == expected, entry.id


def test_russian_plurals_have_three_forms(russian):
    assert russian.num_plurals == 3
    for entry in russian:
        if isinstance(entry.id, tuple):
            assert len(entry.string) == 3 and all(entry.string), entry.id


def test_html_tags_survive_translation(russian):
    for entry in russian:
        if not entry.id or isinstance(entry.id, tuple):
            continue
        assert re.findall(r"</?\w+", entry.id) == re.findall(r"</?\w+", entry.string), entry.id


def test_translator_escapes_parameters():
    t = Catalogs().get("ru")
    assert t("Language: {language}", language="<b>x</b>") == "Язык: &lt;b&gt;x&lt;/b&gt;"
    assert Catalogs().get("ru").raw("Cancelled.") == "Отменено."


# Russian equal to English on purpose: only numbers, marks and placeholders, nothing to translate.
INTENTIONALLY_SAME = frozenset({"⏰ №{number}", "<b>{choice}</b> ✓", "{step}: <b>{choice}</b> ✓"})


def test_no_russian_string_is_left_in_english(russian):
    """A msgstr copied from its msgid is an untranslated string that the completeness check
    cannot see; the few that are the same in both languages are listed above."""
    same = []
    for entry in russian:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if any(s in ids for s in strings if s) and ids[0] not in INTENTIONALLY_SAME:
            same.append(ids[0])
    assert not same, f"translate into Russian, or list in INTENTIONALLY_SAME: {same}"
    listed = {e.id for e in russian if e.id in INTENTIONALLY_SAME}
    assert listed == INTENTIONALLY_SAME, "INTENTIONALLY_SAME names entries no longer there"
