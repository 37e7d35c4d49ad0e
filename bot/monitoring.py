"""Optional error reporting to Sentry (`SENTRY_DSN`), with nothing personal in what leaves.

The SDK's default (`send_default_pii` off) keeps it from adding users, cookies and IPs, but an
event still carries exception messages (which can quote a user's text), log messages and
breadcrumbs, request URLs (sign-in links carry one-time tokens) and headers. `scrub_event`
is applied to every event and breadcrumb before it is sent: exception messages are dropped
(type and stack stay), request bodies, cookies, query strings and all but harmless headers
are removed, stack frames carry no local variables, and every other string passes through the
same redaction as our logs (phones, e-mails, bot tokens, keys and secrets).
"""

from __future__ import annotations

import re
from typing import Any

from bot.logs import redact

_SAFE_HEADERS = frozenset({"user-agent", "content-type", "content-length", "accept"})
_DROPPED = frozenset({"user", "server_name", "modules"})
# Bodies of Telegram messages, callbacks and forms are personal whatever their shape.
_TEXT_KEYS = re.compile(r"(?i)^(text|caption|data|body|message_text|first_name|last_name)$")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            k: "<removed>" if _TEXT_KEYS.match(str(k)) else _clean(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _clean_request(request: dict[str, Any]) -> dict[str, Any]:
    headers = request.get("headers") or {}
    url = str(request.get("url", "")).split("?", 1)[0]
    return {
        "method": request.get("method"),
        "url": redact(re.sub(r"/(?:c|s|t)/[\w-]{8,}", "/<token>", url)),
        "headers": {k: v for k, v in headers.items() if k.lower() in _SAFE_HEADERS},
    }


def _clean_exceptions(event: dict[str, Any]) -> None:
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = ""  # exception messages can quote what a user typed
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def scrub_event(event: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event as it may leave the process (the SDK's `before_send`)."""
    for key in _DROPPED:
        event.pop(key, None)
    if isinstance(event.get("request"), dict):
        event["request"] = _clean_request(event["request"])
    _clean_exceptions(event)
    for key in ("logentry", "extra", "contexts", "tags", "breadcrumbs", "message"):
        if key in event:
            event[key] = _clean(event[key])
    return event


def scrub_breadcrumb(
    crumb: dict[str, Any], _hint: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """A breadcrumb as it may be kept (the SDK's `before_breadcrumb`)."""
    cleaned: dict[str, Any] = _clean(crumb)
    data = cleaned.get("data")
    if isinstance(data, dict) and "url" in data:
        data["url"] = redact(str(data["url"]).split("?", 1)[0])
    return cleaned


def start_sentry(dsn: str, environment: str, release: str | None = None) -> None:
    """Report unexpected errors (ERROR log records with a traceback) to Sentry."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        # send_default_pii stays at its default, off (sentry-sdk 2.x deprecates passing it and
        # keeps its own denylist scrubber only while data_collection is not configured).
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_breadcrumb,
    )


def stop_sentry(timeout: float = 2.0) -> None:
    """Flush what is queued and stop the SDK (a no-op when it was never started)."""
    import sentry_sdk

    client = sentry_sdk.get_client()
    if client.is_active():
        client.close(timeout=timeout)
