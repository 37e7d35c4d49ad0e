"""FileStore on a local folder: the default without object storage, and the sandbox's store.

Keys map to paths under the root and can never leave it. Writes go to a temporary file that
is then renamed over the target (os.replace), so a reader sees the whole file or nothing.
Blocking file I/O runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from core.files.rules import safe_key, safe_prefix

TEMP_DIR = ".partial"  # unfinished writes; never a key


class LocalFileStore:
    """Objects as files under `root`. `put` of an existing key keeps the stored file (keys are
    content-addressed, so it already holds these bytes). The content type is not kept (the
    key's extension names the type); `link` has nothing to offer."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        """Where the key lives; ValueError for a key that could escape the root."""
        safe_key(key)
        if key.split("/", 1)[0] == TEMP_DIR:
            raise ValueError(f"unsafe key: {TEMP_DIR}/ is reserved")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError("unsafe key: resolves outside the root")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, safe_key(key), data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, safe_key(key))

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(lambda: self.path(key).is_file())

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(lambda: self.path(key).unlink(missing_ok=True))

    async def keys(self, prefix: str) -> list[str]:
        return await asyncio.to_thread(self._list, safe_prefix(prefix))

    async def link(self, key: str, seconds: int) -> str | None:
        safe_key(key)
        return None

    def _write(self, key: str, data: bytes) -> None:
        path = self.path(key)
        if path.is_file():
            return
        temp_dir = self.root / TEMP_DIR
        temp_dir.mkdir(parents=True, exist_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=temp_dir)
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            Path(temp_name).replace(path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def _read(self, key: str) -> bytes:
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError("no such object")
        return path.read_bytes()

    def _list(self, prefix: str) -> list[str]:
        folder = (self.root / prefix.rpartition("/")[0]).resolve()
        if not folder.is_relative_to(self.root):
            return []
        found: list[str] = []
        for directory, subdirectories, files in os.walk(folder):
            if Path(directory) == self.root and TEMP_DIR in subdirectories:
                subdirectories.remove(TEMP_DIR)
            relative = Path(directory).relative_to(self.root).as_posix()
            base = "" if relative == "." else relative + "/"
            found.extend(base + name for name in files if (base + name).startswith(prefix))
        return sorted(found)
