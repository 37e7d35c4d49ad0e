"""A printable document as plain blocks, already in the reader's language: the handlers
build it (labels, money, dates), a `DocumentRenderer` (integrations.pdf) draws it. The core
knows neither the language nor the file format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Pairs:
    """Label / value rows (the parties, the times)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a header row; `widths` are relative, `numeric` columns align right."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Images:
    """Pictures in a row of thumbnails (PNG or JPEG bytes), e.g. the order's photos."""

    images: tuple[bytes, ...]
    caption: str = ""


Block = Heading | Paragraph | Pairs | Table | Images


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    footer: str = ""


class DocumentRenderer(Protocol):
    def render(self, document: Document) -> bytes:
        """The document as a file (PDF), fonts embedded."""
        ...
