"""Telegram's HTML parse mode, parsed as strictly as Telegram does (after tdlib's parse_html).

Only Telegram's tags and the entities &lt; &gt; &amp; &quot; and numeric ones are understood; a
stray `<` is an error, which is what catches unescaped user data in bot replies.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from sandbox.emulator.errors import BotApiError, bad_request

_ENTITY_TYPES = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NAME_TOKEN = set(string.ascii_letters + string.digits + ".-")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts limits and offsets in."""
    return len(text.encode("utf-16-le")) // 2


def render_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of a message as Telegram would store it.

    HTML is parsed strictly; Markdown modes are accepted but not parsed (text kept verbatim).
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("", "markdown", "markdownv2"):
        return text, list(entities or [])
    raise bad_request("unsupported parse_mode")


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into plain text and UTF-16 based entities, or raise a 400."""
    return _HtmlParser(source).parse()


@dataclass
class _Open:
    tag: str
    offset16: int
    char_index: int
    argument: str


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0
        self.out: list[str] = []
        self.pos16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        while self.i < len(self.src):
            char = self.src[self.i]
            if char == "<":
                self._tag()
            elif char == "&":
                self._emit(self._entity())
            else:
                self._emit(char)
                self.i += 1
        if self.stack:
            tag = self.stack[-1].tag
            raise _error(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.pos16 += utf16_len(text)

    def _at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def _byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def _entity(self) -> str:
        start = self.i
        end = start + 1
        if self._at(end) == "#":
            end += 1
            hexadecimal = self._at(end) == "x"
            end += int(hexadecimal)
            digits = string.hexdigits if hexadecimal else string.digits
            j = end
            while self._at(j) and self._at(j) in digits:
                j += 1
            value = int(self.src[end:j], 16 if hexadecimal else 10) if 0 < j - end < 9 else 0
            valid = 0 < value < 0x10FFFF and not 0xD800 <= value <= 0xDFFF
            char = chr(value) if valid else None
        else:
            j = end
            while self._at(j).isascii() and self._at(j).isalpha():
                j += 1
            char = _NAMED.get(self.src[end:j])
        if char is None:
            self.i = start + 1
            return "&"
        self.i = j + 1 if self._at(j) == ";" else j
        return char

    def _skip_spaces(self) -> None:
        while self._at(self.i).isspace():
            self.i += 1

    def _tag(self) -> None:
        begin = self.i
        if self._at(begin + 1) == "/":
            self._end_tag(begin)
            return
        j = begin + 1
        while j < len(self.src) and not self.src[j].isspace() and self.src[j] != ">":
            j += 1
        if j >= len(self.src):
            raise _error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = self.src[begin + 1 : j].translate(_ASCII_LOWER)
        if name not in _ENTITY_TYPES:
            where = self._byte_offset(begin)
            raise _error(f'Unsupported start tag "{name}" at byte offset {where}')
        self.i = j
        attributes = self._attributes(name, begin)
        self.i += 1
        argument = self._argument(name, attributes, begin)
        self.stack.append(_Open(name, self.pos16, len(self.out), argument))

    def _attributes(self, name: str, begin: int) -> dict[str, str]:
        attributes: dict[str, str] = {}
        while True:
            self._skip_spaces()
            if not self._at(self.i):
                raise _error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            if self._at(self.i) == ">":
                return attributes
            attribute = self._attribute_name(name, begin)
            where = self._byte_offset(begin)
            self._skip_spaces()
            if self._at(self.i) != "=":
                if name == "blockquote" and attribute == "expandable":
                    attributes[attribute] = ""
                    continue
                raise _error(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {where}'
                )
            self.i += 1
            self._skip_spaces()
            attributes[attribute] = self._attribute_value(begin)

    def _attribute_name(self, tag: str, begin: int) -> str:
        start = self.i
        while self._at(self.i) and not self._at(self.i).isspace() and self._at(self.i) not in "=>":
            self.i += 1
        if self.i == start:
            where = self._byte_offset(begin)
            raise _error(f'Empty attribute name in the tag "{tag}" at byte offset {where}')
        return self.src[start : self.i].translate(_ASCII_LOWER)

    def _attribute_value(self, begin: int) -> str:
        quote = self._at(self.i)
        unclosed = _error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        if not quote:
            raise unclosed
        if quote not in "'\"":
            start = self.i
            while self._at(self.i) and self._at(self.i) in _NAME_TOKEN:
                self.i += 1
            if not self._at(self.i):
                raise unclosed
            if not (self._at(self.i).isspace() or self._at(self.i) == ">"):
                where = self._byte_offset(self.i)
                raise _error(f"Unexpected end of name token at byte offset {where}")
            return self.src[start : self.i]
        self.i += 1
        parts: list[str] = []
        while self._at(self.i) and self._at(self.i) != quote:
            if self._at(self.i) == "&":
                parts.append(self._entity())
            else:
                parts.append(self._at(self.i))
                self.i += 1
        if not self._at(self.i):
            raise unclosed
        self.i += 1
        return "".join(parts)

    def _argument(self, name: str, attributes: dict[str, str], begin: int) -> str:
        where = self._byte_offset(begin)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise _error(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
        if name == "tg-emoji" and not attributes.get("emoji-id"):
            raise _error(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {where}')
        if name == "code":
            language = attributes.get("class", "")
            return language.removeprefix("language-") if language.startswith("language-") else ""
        if name == "blockquote":
            return "expandable" if "expandable" in attributes else ""
        return attributes.get("href" if name == "a" else "emoji-id", "")

    def _end_tag(self, begin: int) -> None:
        where = self._byte_offset(begin)
        if not self.stack:
            raise _error(f"Unexpected end tag at byte offset {where}")
        j = begin + 2
        while self._at(j) and not self._at(j).isspace() and self._at(j) != ">":
            j += 1
        end_name = self.src[begin + 2 : j].translate(_ASCII_LOWER)
        while self._at(j).isspace():
            j += 1
        if self._at(j) != ">":
            raise _error(f"Unclosed end tag at byte offset {where}")
        top = self.stack.pop()
        if end_name and end_name != top.tag:
            raise _error(
                f'Unmatched end tag at byte offset {where}, expected "</{top.tag}>", '
                f'found "</{end_name}>"'
            )
        self.i = j + 1
        self._close(top)

    def _close(self, top: _Open) -> None:
        if top.tag == "code" and top.argument and self.stack and self.stack[-1].tag == "pre":
            self.stack[-1].argument = top.argument
            return
        length = self.pos16 - top.offset16
        if length == 0:
            return
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPES[top.tag],
            "offset": top.offset16,
            "length": length,
        }
        if top.tag == "a":
            entity["url"] = top.argument or "".join(self.out[top.char_index :])
        elif top.tag == "pre" and top.argument:
            entity["language"] = top.argument
        elif top.tag == "blockquote" and top.argument:
            entity["type"] = "expandable_blockquote"
        elif top.tag == "tg-emoji":
            entity["custom_emoji_id"] = top.argument
        self.entities.append(entity)


def _error(reason: str) -> BotApiError:
    return bad_request(f"can't parse entities: {reason}")
