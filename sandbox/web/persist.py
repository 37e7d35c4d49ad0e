"""The sandbox world on disk, so a restart keeps the chats a person had.

`save_world` writes one JSON document (personas, chats with every message, command menus,
pending updates, file metadata) and the file bytes into a sibling folder named after it
(`world.json` -> `world.files/`), one file per content hash, written once. `load_world` puts it
all back and moves the update counter past every saved id, so the bot never sees a reused
update id. `WorldAutosave` saves after changes, at most once a `delay`, and once on stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.emulator.emulator import TelegramEmulator
from sandbox.emulator.events import Event
from sandbox.emulator.state import ChatState, EmulatorState, StoredFile, StoredMessage
from sandbox.web.hub import driver_of

logger = logging.getLogger(__name__)
FORMAT = 1
_BLOB_NAME = re.compile(r"[0-9a-f]{64}")
# Answers to these would need query ids from the previous run, which the emulator has forgotten.
_UNRESTORABLE_UPDATES = ("callback_query", "inline_query")
_MESSAGE_FIELDS = (
    "message",
    "from_bot",
    "source_text",
    "parse_mode",
    "reply_keyboard",
    "version",
    "deleted",
    "silent",
)


@dataclass
class Snapshot:
    """The JSON document and the file bytes to write next to it, keyed by blob name."""

    document: dict[str, Any]
    blobs: dict[str, bytes] = field(default_factory=dict)


def files_dir(path: Path) -> Path:
    """The folder holding a world's file bytes."""
    return path.with_name(f"{path.stem}.files")


def snapshot_world(emulator: TelegramEmulator) -> Snapshot:
    """Everything worth keeping, copied now (cheap: file bytes are immutable and shared)."""
    state = emulator.state
    snapshot = Snapshot({"format": FORMAT, "next_update_id": state.next_update_id})
    snapshot.document["chats"] = [_chat(emulator, chat) for chat in state.chats.values()]
    snapshot.document["files"] = [_file(stored, snapshot.blobs) for stored in state.files.values()]
    snapshot.document["commands"] = [
        {"scope": list(scope), "language_code": language, "commands": commands}
        for (scope, language), commands in state.commands.items()
    ]
    snapshot.document["menu_buttons"] = [
        {"chat_id": chat_id, "button": button} for chat_id, button in state.menu_buttons.items()
    ]
    snapshot.document["pending_updates"] = [
        update
        for update in state.updates
        if not any(kind in update for kind in _UNRESTORABLE_UPDATES)
    ]
    # Serialise now, on the loop, so the writer thread never sees the state change under it.
    snapshot.document = json.loads(json.dumps(snapshot.document, ensure_ascii=False))
    return snapshot


def _chat(emulator: TelegramEmulator, chat: ChatState) -> dict[str, Any]:
    return {
        "user": chat.user,
        "phone_number": driver_of(emulator, chat).phone_number,
        "started": chat.started,
        "blocked": chat.blocked,
        "next_message_id": chat.next_message_id,
        "messages": [_message(stored) for stored in chat.messages.values()],
    }


def _message(stored: StoredMessage) -> dict[str, Any]:
    return {name: getattr(stored, name) for name in _MESSAGE_FIELDS}


def _file(stored: StoredFile, blobs: dict[str, bytes]) -> dict[str, Any]:
    blob = hashlib.sha256(stored.data).hexdigest()
    blobs[blob] = stored.data
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_path": stored.file_path,
        "mime_type": stored.mime_type,
        "file_name": stored.file_name,
        "attributes": stored.attributes,
        "blob": blob,
    }


def write_snapshot(snapshot: Snapshot, path: Path) -> None:
    """Write new blobs, then replace the JSON atomically (a crash leaves the old world whole)."""
    folder = files_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in snapshot.blobs.items():
        target = folder / name
        if not target.exists():
            _atomic_write(target, data)
    text = json.dumps(snapshot.document, ensure_ascii=False, indent=1)
    _atomic_write(path, text.encode("utf-8"))


def _atomic_write(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)


def save_world(emulator: TelegramEmulator, path: Path) -> None:
    """Save the emulator's world to `path` (and its files folder)."""
    write_snapshot(snapshot_world(emulator), path)


def load_world(emulator: TelegramEmulator, path: Path) -> bool:
    """Restore a saved world into an emulator (normally a fresh one); False if none exists."""
    if not path.exists():
        return False
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path} is not a sandbox world (format {FORMAT})")
    state = emulator.state
    for saved in document["files"]:
        state.restore_file(_stored_file(saved, files_dir(path)))
    for saved in document["chats"]:
        _restore_chat(emulator, saved)
    for saved in document["commands"]:
        kind, chat_id, user_id = saved["scope"]
        state.commands[((kind, chat_id, user_id), saved["language_code"])] = saved["commands"]
    for saved in document["menu_buttons"]:
        state.menu_buttons[saved["chat_id"]] = saved["button"]
    _restore_updates(state, document)
    state.changed()
    return True


def _stored_file(saved: dict[str, Any], folder: Path) -> StoredFile:
    blob = str(saved["blob"])
    if not _BLOB_NAME.fullmatch(blob):
        raise ValueError(f"bad file reference {blob!r} in the saved world")
    return StoredFile(
        file_id=saved["file_id"],
        file_unique_id=saved["file_unique_id"],
        file_path=saved["file_path"],
        data=(folder / blob).read_bytes(),
        mime_type=saved["mime_type"],
        file_name=saved["file_name"],
        attributes=saved["attributes"],
    )


def _restore_chat(emulator: TelegramEmulator, saved: dict[str, Any]) -> None:
    user = saved["user"]
    driver = emulator.user(
        int(user["id"]),
        str(user["first_name"]),
        last_name=user.get("last_name"),
        username=user.get("username"),
        language_code=user.get("language_code"),
        phone_number=saved["phone_number"],
        started=saved["started"],
    )
    driver.phone_number = saved["phone_number"]
    chat = driver.chat
    chat.user.clear()
    chat.user.update(user)
    chat.started, chat.blocked = saved["started"], saved["blocked"]
    chat.messages = {
        int(item["message"]["message_id"]): StoredMessage(**item) for item in saved["messages"]
    }
    chat.next_message_id = max(saved["next_message_id"], max(chat.messages, default=0) + 1)


def _restore_updates(state: EmulatorState, document: dict[str, Any]) -> None:
    pending = [dict(update) for update in document["pending_updates"]]
    known = {update["update_id"] for update in state.updates}
    state.updates.extend(update for update in pending if update["update_id"] not in known)
    highest = max((update["update_id"] for update in pending), default=0)
    state.next_update_id = max(state.next_update_id, int(document["next_update_id"]), highest + 1)


class WorldAutosave:
    """Saves the world in the background: `delay` seconds after a change, and on `stop()`."""

    def __init__(self, emulator: TelegramEmulator, path: Path, delay: float = 1.0) -> None:
        self.emulator = emulator
        self.path = path
        self.delay = delay
        self._events: asyncio.Queue[Event] | None = None
        self._event_count = 0
        self._saved_mark: tuple[Any, ...] | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin watching the emulator (call inside the running loop)."""
        self._stopping = asyncio.Event()
        self._events = self.emulator.subscribe()
        self._saved_mark = self._mark()
        self._task = asyncio.create_task(self._run(), name="sandbox-autosave")

    async def stop(self) -> None:
        """Finish a save in progress, save once more and stop watching."""
        self._stopping.set()
        self.emulator.state.notifier.notify()
        if self._task is not None:
            await self._task
            self._task = None
        if self._events is not None:
            self.emulator.unsubscribe(self._events)
            self._events = None
        await self.save()

    async def save(self) -> None:
        """Save now: the snapshot is taken on the loop, the writing happens in a thread."""
        self._drain()
        snapshot = snapshot_world(self.emulator)
        self._saved_mark = self._mark()
        try:
            await asyncio.to_thread(write_snapshot, snapshot, self.path)
        except OSError as error:  # a full disk must not take the sandbox down
            logger.warning("could not save the sandbox world to %s: %s", self.path, error)

    async def _run(self) -> None:
        notifier = self.emulator.state.notifier
        while not self._stopping.is_set():
            await notifier.wait_for(lambda: self._stopping.is_set() or self._dirty(), 3600)
            if self._stopping.is_set():
                return
            with contextlib.suppress(TimeoutError):  # let a burst of changes settle
                async with asyncio.timeout(self.delay):
                    await self._stopping.wait()
            if not self._stopping.is_set():
                await self.save()

    def _dirty(self) -> bool:
        self._drain()
        return self._mark() != self._saved_mark

    def _drain(self) -> None:
        while self._events is not None and not self._events.empty():
            self._events.get_nowait()
            self._event_count += 1

    def _mark(self) -> tuple[Any, ...]:
        """Changes to look for: events, updates, files, and persona details (no events)."""
        state = self.emulator.state
        personas = tuple(
            (chat_id, tuple(sorted(chat.user.items()))) for chat_id, chat in state.chats.items()
        )
        return (self._event_count, state.next_update_id, len(state.files), personas)
