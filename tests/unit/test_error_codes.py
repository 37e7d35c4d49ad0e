"""Error codes are one enum: every member has an English and a Russian message with the same
placeholders, and nothing raises a code outside it."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from core.errors import DomainError, ErrorCode
from handlers.errors import MESSAGES
from handlers.i18n import Catalogs

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("core", "handlers", "storage", "integrations", "bot")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_has_an_english_and_a_russian_message_with_the_same_placeholders():
    russian = Catalogs("en").get("ru")
    missing = [code for code in ErrorCode if code not in MESSAGES]
    assert not missing, f"add a message to handlers/errors.py for {missing}"
    for code in ErrorCode:
        english = MESSAGES[code]
        translated = russian.raw(english)
        assert translated != english, f"{code}: no Russian message"
        assert _placeholders(translated) == _placeholders(english), code


def test_every_message_belongs_to_a_code():
    assert set(MESSAGES) <= {code.value for code in ErrorCode}


def test_every_code_written_in_the_source_is_a_member():
    written = set()
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = getattr(node, "func", None)
                called = getattr(name, "id", getattr(name, "attr", None))
                if isinstance(node, ast.Call) and called == "DomainError" and node.args:
                    first = node.args[0]
                    if isinstance(first, ast.Constant):
                        written.add((path.name, first.value))
    unknown = [(file, code) for file, code in written if code not in set(ErrorCode)]
    assert not unknown, unknown
    assert len(written) > 50  # the scan found the raises


def test_an_unknown_code_fails_at_once():
    with pytest.raises(ValueError):
        DomainError("no_such_code")
    assert DomainError("not_found").code is ErrorCode.NOT_FOUND
