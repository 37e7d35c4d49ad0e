"""`core.ports.EntityFinder` from two offline libraries: natasha and phonenumbers.

natasha (Russian named-entity recognition: slovnet's NER model over navec embeddings, both
shipped inside the `natasha` wheel) finds people (PER) and places (LOC) in Cyrillic text;
organisations (ORG) are left alone, they are not personal data and are often the brand of the
thing to repair. phonenumbers' matcher finds numbers in international format from any country
("+44 7700 900123", "+375 29 123-45-67") that core's patterns may cut short.

Nothing is fetched: the models are files in the installed package, read from disk. Loading
takes one to a few seconds and ~110 MB, so it happens once per process, in a daemon thread
started with the container (`warm_up`) or else on first use in a worker thread, never on the
event loop; every search runs in a worker thread too (about 2 ms a snippet).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

import phonenumbers

from core.service_ports import Entity
from integrations.blas import single_threaded_blas

__all__ = [
    "LocalEntityFinder",
    "NatashaTagger",
    "load_natasha",
    "shared_natasha",
]

log = logging.getLogger(__name__)
_KINDS = {"PER": "PERSON", "LOC": "ADDRESS"}


class NatashaTagger(Protocol):
    def __call__(self, text: str) -> list[tuple[int, int, str]]: ...


def load_natasha() -> NatashaTagger:
    """natasha's segmenter and news NER tagger, read from the package's own files.

    numpy's BLAS is kept to one thread (when numpy is not loaded yet): the model multiplies
    small matrices, and on a busy two-core machine a thread pool made a snippet take 30-60 ms
    instead of 2 ms.
    """
    single_threaded_blas()
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())

    def tag(text: str) -> list[tuple[int, int, str]]:
        doc: Any = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        return [(span.start, span.stop, span.type) for span in doc.spans]

    return tag


_shared: list[NatashaTagger] = []
_shared_lock = threading.Lock()


def shared_natasha() -> NatashaTagger:
    """The process's one tagger (every container of a process, tests included, shares it)."""
    with _shared_lock:
        if not _shared:
            _shared.append(load_natasha())
            log.info("natasha NER loaded")
        return _shared[0]


class LocalEntityFinder:
    """People and places (natasha, Cyrillic text only) and international phone numbers."""

    def __init__(self, loader: Callable[[], NatashaTagger] = shared_natasha) -> None:
        self._loader = loader
        self._tagger: NatashaTagger | None = None
        self._lock = threading.Lock()

    async def find(self, text: str) -> list[Entity]:
        if not text.strip():
            return []
        return await asyncio.to_thread(self.find_now, text)

    def find_now(self, text: str) -> list[Entity]:
        """The same, blocking: for a worker thread, a benchmark or a test."""
        found = [
            Entity(m.start, m.end, "PHONE")
            for m in phonenumbers.PhoneNumberMatcher(text, "RU", phonenumbers.Leniency.POSSIBLE)
            if m.raw_string.lstrip().startswith("+")
        ]
        if any("а" <= c <= "я" or c == "ё" for c in text.casefold()):
            tagger = self.load()
            with self._lock:
                spans = tagger(text)
            found += [Entity(s, e, _KINDS[t]) for s, e, t in spans if t in _KINDS]
        return found

    def load(self) -> NatashaTagger:
        """The tagger, loaded by whichever thread needs it first."""
        with self._lock:
            if self._tagger is None:
                self._tagger = self._loader()
            return self._tagger

    def warm_up(self) -> threading.Thread:
        """Start loading in a daemon thread now, so the first text does not wait for it."""
        thread = threading.Thread(target=self.load, name="natasha-load", daemon=True)
        thread.start()
        return thread
