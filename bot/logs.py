"""Logging set-up: one line per record, and no personal data or secrets in any of them.

Our own log calls carry ids, codes and exception types only, never message text or
exception messages. The filter below is the safety net for everything else (third-party
libraries included): it rewrites phone numbers, e-mails, bot tokens, bearer tokens, named
keys and secrets (`api_key=...`, `"token": ...`), long key-like strings and card numbers.
"""

from __future__ import annotations

import logging
import re

_SECRET_NAMES = (
    r"api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|auth[_-]?key|secret(?:[_-]?key)?|token"
    r"|password|passwd|signature|x-amz-signature|x-amz-credential|authorization|credential"
)
_PATTERNS = (
    (re.compile(r"bot\d+:[A-Za-z0-9_-]{20,}"), "bot<token>"),
    (re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}"), "<token>"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 <secret>"),
    (re.compile(rf"(?i)\b({_SECRET_NAMES})(\"?\s*[=:]\s*\"?)[^\s\"'&,;]+"), r"\1\2<secret>"),
    (re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}"), "<key>"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "<key>"),
    # Long runs of letters and digits (keys, hashes, file ids); paths and dotted names break.
    (re.compile(r"(?<![\w/.-])(?=[\w+=-]*\d)(?=[\w+=-]*[A-Za-z])[\w+=-]{32,}"), "<key>"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "<email>"),
    (re.compile(r"(?<![\w/])(?!\d{4}-\d\d-\d\d)\+?\d[\d\s()-]{8,}\d"), "<phone>"),
    (re.compile(r"(?<![\w/-])\d{3}-\d{2}-\d{2}(?![\w-])"), "<phone>"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites every record's final text (and its traceback), so even third-party libraries
    cannot leak."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


# Libraries whose debug output carries whole requests and updates (message text, names,
# phones): never below these levels, whatever LOG_LEVEL says.
QUIET_LIBRARIES = {
    "httpx": logging.WARNING,  # logs every request URL, which contains the bot token
    "httpcore": logging.INFO,
    "telegram": logging.INFO,
    "apscheduler": logging.WARNING,
    "aiosqlite": logging.INFO,
    "asyncpg": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "botocore": logging.INFO,
    "boto3": logging.INFO,
    "s3transfer": logging.INFO,
    "urllib3": logging.INFO,
    "hpack": logging.INFO,
    "grpc": logging.INFO,
}


def configure_logging(level: str, handler: logging.Handler | None = None) -> None:
    handler = handler or logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    floor = logging.getLevelName(level)
    for name, quiet in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(quiet, floor if isinstance(floor, int) else 0))
