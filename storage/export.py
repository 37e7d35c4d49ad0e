"""Export archives: one ZIP with a JSON and a CSV file per entity, the attached files and a
README describing every file and column.

The ZIP is written straight to a file on local disk (never held in memory as a whole), under
a temporary name until `finish` renames it, so a crash leaves no half archive behind a real
name. JSON keeps types (numbers, booleans, nested objects, null); CSV is for spreadsheets:
nested objects are JSON text and null is an empty cell. Times are ISO 8601 in UTC.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from core.privacy_model import Entity, ExportFile

README_HEAD = """AstraCRM export: {title}
Created: {created} (UTC)

Every entity is here twice: NAME.json (a list of objects, one per row, with types kept) and
NAME.csv (the same rows for spreadsheets: UTF-8, comma-separated, a header row; nested
objects as JSON text, empty cells for null). Times are ISO 8601 in UTC, money is in minor
units (kopecks, cents), ids link the entities (for example orders.client_id -> clients.id).
Files attached to orders are in files/order-<order id>/<file id>-<name>.

Entities and their columns:
"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(entity: Entity) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [name for name, _ in entity.columns]
    writer.writerow(names)
    for row in entity.rows:
        writer.writerow([_cell(row.get(name)) for name in names])
    return buffer.getvalue()


Summary = tuple[str, tuple[tuple[str, str], ...], int]


def readme(title: str, created_at: datetime, entities: list[Summary], files: int) -> str:
    """The README: how the files are laid out, then each entity's columns and types."""
    lines = [README_HEAD.format(title=title, created=created_at.isoformat(timespec="seconds"))]
    for name, columns, count in entities:
        lines.append(f"\n{name} ({count} rows)")
        lines += [f"  - {column}: {kind}" for column, kind in columns]
    lines.append(f"\nfiles/: {files} attached files\n")
    return "\n".join(lines)


class ZipExportBuilder:
    """Implements `core.privacy_ports.ExportBuilder` on a ZIP file in `directory`."""

    def __init__(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._final = directory / f"{uuid.uuid4().hex}-{name}"
        self._partial = self._final.with_suffix(".partial")
        self._name = name
        self._zip = zipfile.ZipFile(self._partial, "w", compression=zipfile.ZIP_DEFLATED)
        self._entities: list[Summary] = []
        self._files = 0

    def add_entity(self, entity: Entity) -> None:
        self._entities.append((entity.name, entity.columns, len(entity.rows)))
        body = json.dumps(entity.rows, ensure_ascii=False, indent=1, sort_keys=True)
        self._zip.writestr(f"{entity.name}.json", body)
        self._zip.writestr(f"{entity.name}.csv", csv_text(entity))

    def add_file(self, name: str, data: bytes) -> None:
        self._zip.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        self._files += 1

    def finish(self, title: str, created_at: datetime) -> ExportFile:
        self._zip.writestr("README.txt", readme(title, created_at, self._entities, self._files))
        self._zip.close()
        self._partial.replace(self._final)
        return ExportFile(str(self._final), self._name, self._final.stat().st_size)

    def discard(self) -> None:
        self._zip.close()
        self._partial.unlink(missing_ok=True)
        self._final.unlink(missing_ok=True)
