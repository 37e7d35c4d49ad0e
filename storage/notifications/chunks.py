"""Organization ids in chunks of bind parameters, for queries over many organizations."""

from __future__ import annotations

from collections.abc import Collection, Iterator

CHUNK = 5000


def chunks(ids: Collection[int], size: int = CHUNK) -> Iterator[list[int]]:
    items = sorted(set(ids))
    for i in range(0, len(items), size):
        yield items[i : i + size]
