"""age encryption of backups through pyrage (the Rust `age` crate's Python binding).

Recipients are X25519 public keys (`age1...`); the identity is the matching secret key
(`AGE-SECRET-KEY-1...`). A process that only takes backups needs the recipients; restoring
needs the identity. age authenticates every 64 KiB chunk of the payload (ChaCha20-Poly1305)
and the header (HMAC), so a wrong key and damaged data both fail to decrypt rather than
giving wrong bytes (docs/backups.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyrage
from pyrage import x25519

from core.backup.model import BackupRefused


class AgeCipher:
    def __init__(self, recipients: Sequence[str], identity: str | None) -> None:
        self._identity = _identity(identity) if identity else None
        keys = [_recipient(r) for r in recipients]
        if not keys and self._identity is not None:
            keys = [self._identity.to_public()]
        self._recipients = keys

    def seal(self, data: bytes) -> bytes:
        if not self._recipients:
            raise BackupRefused("no backup key: set BACKUP_RECIPIENTS (or BACKUP_KEY)")
        return bytes(pyrage.encrypt(data, self._recipients))

    def open(self, sealed: bytes) -> bytes:
        if self._identity is None:
            raise BackupRefused("restoring needs BACKUP_KEY (the age secret key)")
        try:
            return bytes(pyrage.decrypt(sealed, [self._identity]))
        except pyrage.DecryptError as error:
            if "no matching keys" in str(error).lower():
                raise BackupRefused(
                    "the backup was not encrypted for this BACKUP_KEY (wrong key)"
                ) from None
            raise BackupRefused("the backup is damaged: age could not decrypt it") from None


def _identity(text: str) -> x25519.Identity:
    try:
        return x25519.Identity.from_str(text.strip())
    except pyrage.IdentityError:
        raise BackupRefused("BACKUP_KEY is not an age secret key (AGE-SECRET-KEY-1...)") from None


def _recipient(text: str) -> x25519.Recipient:
    try:
        return x25519.Recipient.from_str(text.strip())
    except pyrage.RecipientError:
        raise BackupRefused("BACKUP_RECIPIENTS holds something not an age key (age1...)") from None
