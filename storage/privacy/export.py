"""Export archives: one ZIP with a JSON and a CSV file per entity, the attached files and a
README describing every file and column.

The ZIP is written straight to a file on local disk (never held in memory as a whole), under
a temporary name until `finish` renames it, so a crash leaves no half archive behind a real
name. JSON keeps the stored values and types (UTC times, money in minor units, nested
objects, null); CSV is for spreadsheets, written as `core.privacy.export_format` says: UTF-8 with a
byte order mark, the asker's delimiter and decimal mark, money in major units, local times.
The README is written by `readme`, in the asker's language.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from core.privacy.export_format import (
    CSV_ENCODING,
    MONEY,
    TIMESTAMP,
    ExportLayout,
    ReadmeFacts,
    column_kind,
    csv_header,
    money_cell,
    time_cell,
)
from core.privacy.model import Entity, ExportFile

ReadmeWriter = Callable[[ReadmeFacts], str]


def _cell(value: Any, kind: str, layout: ExportLayout) -> str:
    if value is None:
        return ""
    if kind == MONEY and isinstance(value, int) and not isinstance(value, bool):
        return money_cell(value, layout)
    if kind == TIMESTAMP and isinstance(value, datetime | str):
        return time_cell(value, layout)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(value).replace(".", layout.decimal_mark)
    return str(value)


def csv_bytes(entity: Entity, layout: ExportLayout) -> bytes:
    """The entity as a spreadsheet opens it: a header row naming units and zone, then rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator="\r\n")
    writer.writerow([csv_header(name, kind, layout) for name, kind in entity.columns])
    kinds = [(name, column_kind(name, kind)) for name, kind in entity.columns]
    for row in entity.rows:
        writer.writerow([_cell(row.get(name), kind, layout) for name, kind in kinds])
    return buffer.getvalue().encode(CSV_ENCODING)


class ZipExportBuilder:
    """Implements `core.privacy.ports.ExportBuilder` on a ZIP file in `directory`."""

    def __init__(
        self, directory: Path, name: str, layout: ExportLayout, readme: ReadmeWriter
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._final = directory / f"{uuid.uuid4().hex}-{name}"
        self._partial = self._final.with_suffix(".partial")
        self._name = name
        self._layout, self._readme = layout, readme
        self._zip = zipfile.ZipFile(self._partial, "w", compression=zipfile.ZIP_DEFLATED)
        self._entities: list[tuple[str, tuple[tuple[str, str], ...], int]] = []
        self._files = 0

    def add_entity(self, entity: Entity) -> None:
        self._entities.append((entity.name, entity.columns, len(entity.rows)))
        body = json.dumps(entity.rows, ensure_ascii=False, indent=1, sort_keys=True)
        self._zip.writestr(f"{entity.name}.json", body)
        self._zip.writestr(f"{entity.name}.csv", csv_bytes(entity, self._layout))

    def add_file(self, name: str, data: bytes) -> None:
        self._zip.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        self._files += 1

    def finish(
        self, personal: bool, created_at: datetime, client_id: int | None = None
    ) -> ExportFile:
        entities = tuple(self._entities)
        facts = ReadmeFacts(personal, created_at, self._layout, entities, self._files, client_id)
        self._zip.writestr("README.txt", self._readme(facts).encode(CSV_ENCODING))
        self._zip.close()
        self._partial.replace(self._final)
        return ExportFile(str(self._final), self._name, self._final.stat().st_size)

    def discard(self) -> None:
        self._zip.close()
        self._partial.unlink(missing_ok=True)
        self._final.unlink(missing_ok=True)
