"""Credentials at rest: `core.ports.SecretBox` over Fernet (AES-128-CBC + HMAC-SHA256).

The key is the deployment's ENCRYPTION_KEY (a Fernet key: 32 url-safe base64 bytes). Several
keys may be given, comma-separated, newest first: new secrets are encrypted with the first,
and any of them decrypts, so a key can be rotated without losing stored credentials.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class FernetSecretBox:
    def __init__(self, keys: str) -> None:
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise ValueError("no encryption key")
        self._fernet = MultiFernet([Fernet(part.encode()) for part in parts])

    def __repr__(self) -> str:  # never the key
        return "FernetSecretBox()"

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        try:
            return self._fernet.decrypt(ciphertext)
        except InvalidToken:
            raise ValueError("ciphertext not made with this key") from None
