"""Ports to services outside the database: phone numbers, addresses and maps, object storage,
speech recognition, a chat model, the payment gateway and encryption of secrets."""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from core.domain import AddressSuggestion


class PhoneNormalizer(Protocol):
    def normalize(self, text: str, country: str) -> str | None:
        """The number in E.164 (`+79161234567`), or None when it is not a valid phone number."""
        ...


class AddressSuggester(Protocol):
    async def suggest(self, query: str, language: str, limit: int = 5) -> list[AddressSuggestion]:
        """Addresses matching what was typed; an empty list when none or the service failed."""
        ...


class StaticMaps(Protocol):
    async def preview(self, latitude: float, longitude: float) -> bytes | None:
        """A small PNG map with a marker, or None when the service is off or failed."""
        ...


class FileStore(Protocol):
    """Object storage for photos, documents and recordings (S3 or a local folder)."""

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes: ...
    async def exists(self, key: str) -> bool: ...
    async def delete(self, key: str) -> None: ...
    async def keys(self, prefix: str) -> list[str]: ...
    async def link(self, key: str, seconds: int) -> str | None:
        """A time-limited download link (S3 presigned), or None where there is none."""
        ...


class SpeechRecognizer(Protocol):
    async def recognize(
        self, audio: bytes, mime_type: str, language: str, duration_seconds: float | None
    ) -> str:
        """The transcript; raises ExternalServiceError (retryable or not) on failure."""
        ...


class Entity(NamedTuple):
    """A stretch of text that names someone: `kind` is "PERSON", "ADDRESS" or "PHONE"."""

    start: int
    end: int
    kind: str


class EntityFinder(Protocol):
    """People, places and phone numbers in free text, found by a local library (no network)."""

    async def find(self, text: str) -> list[Entity]:
        """Spans in `text`'s own offsets; an empty list when nothing (or no model) is there."""
        ...


class ChatModel(Protocol):
    async def complete(self, system: str, user: str, json_mode: bool = True) -> str:
        """The model's answer text; raises ExternalServiceError on failure."""
        ...


class CreatedPayment(Protocol):
    """What a payment gateway answers to Init: where to send the payer, and its own id."""

    @property
    def payment_id(self) -> str: ...
    @property
    def payment_url(self) -> str: ...
    @property
    def status(self) -> str: ...


class PaymentStatus(Protocol):
    """A payment as the gateway sees it (GetState): status, amount in kopecks, our order id."""

    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def order_id(self) -> str: ...


class PaymentGateway(Protocol):
    """Internet acquiring (T-Bank): create a payment, ask for its state."""

    async def init(
        self,
        order_id: str,
        amount: int,
        description: str,
        receipt: dict[str, Any] | None = None,
        notification_url: str | None = None,
        success_url: str | None = None,
        fail_url: str | None = None,
        data: dict[str, str] | None = None,
    ) -> CreatedPayment: ...
    async def get_state(self, payment_id: str) -> PaymentStatus: ...


class SecretBox(Protocol):
    """Symmetric encryption for credentials at rest; `decrypt` raises ValueError on a
    ciphertext it did not make (another key, or tampered with)."""

    def encrypt(self, plaintext: bytes) -> bytes: ...
    def decrypt(self, ciphertext: bytes) -> bytes: ...
