"""Routes outside systems call: T-Bank payment notifications, Telegram updates in webhook
mode, and the health and readiness probes. None of them is part of the OpenAPI schema."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.admin.context import admin_context
from bot.metrics import CONTENT_TYPE_LATEST
from core.errors import DomainError
from core.ownbot.routing import UPDATE_MASK, update_key

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
webhook_router = APIRouter(include_in_schema=False)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@router.post("/tbank/notify")
async def tbank_notify(request: Request) -> Response:
    """The bank wants exactly `OK`; anything else is retried hourly for a day."""
    payload = await _json_object(request)
    if payload is None:
        return PlainTextResponse("bad request", status_code=400)
    try:
        await admin_context(request).container.services.billing.notify(payload)
    except DomainError as error:
        log.warning("T-Bank notification refused: %s", error.code)
        status = 403 if error.code == "payment_forged" else 400
        return PlainTextResponse("refused", status_code=status)
    return PlainTextResponse("OK")


@webhook_router.post("/telegram/webhook")
async def telegram_webhook(request: Request) -> Response:
    """Checks Telegram's secret header, applies the update, and only then answers 200.

    Telegram sends a chat's next update only after the answer to the previous one, so
    answering after the update is applied keeps each chat in order even when several
    processes share the webhook; if this process dies first, Telegram redelivers the update
    (to any process) and the update ledger applies it once."""
    context = admin_context(request)
    expected = context.webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return Response(status_code=403)
    payload = await _json_object(request)
    if payload is None:
        return Response(status_code=400)
    app = context.telegram
    if app is None:  # never: the route is mounted only with a bot (build_admin_app)
        return Response(status_code=404)
    try:
        update = Update.de_json(payload, app.bot)
    except Exception as error:  # noqa: BLE001 - a malformed update is skipped, never logged
        log.warning("malformed webhook update skipped (%s)", type(error).__name__)
        return Response(status_code=200)
    await context.container.inbox.save([payload])  # one path for both modes: inbox first
    await app.update_processor.process_update(update, app.process_update(update))
    return Response(status_code=200)


@webhook_router.post("/telegram/{number}")
async def own_bot_webhook(number: int, request: Request) -> Response:
    """An organization's own bot's update (bot/fleet.py, webhook mode): its secret is the
    number's own; the update is keyed by the bot's number and applied like the shared bot's,
    answered 200 once applied. A bot this process does not serve (disconnected, or connected
    a moment ago and not looked at yet: it looks once) is answered 404; Telegram tries
    again later."""
    context = admin_context(request)
    app, shared = context.telegram, context.webhook_secret
    if app is None or not shared or number <= 0:
        return Response(status_code=404)
    hooks = app.fleet.hooks
    given = request.headers.get(SECRET_HEADER, "")
    expected = hooks.secret_of(number) if hooks is not None else ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return Response(status_code=403)
    payload = await _json_object(request)
    if payload is None:
        return Response(status_code=400)
    if await app.fleet.look_for(number) is None:
        return Response(status_code=404)
    raw = payload.get("update_id")
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= UPDATE_MASK:
        log.warning("own bot update without a valid id skipped")
        return Response(status_code=200)
    keyed = {**payload, "update_id": update_key(number, raw)}
    try:
        update = Update.de_json(keyed, app.fleet.bot(number))
    except Exception as error:  # noqa: BLE001 - a malformed update is skipped, never logged
        log.warning("malformed own bot update skipped (%s)", type(error).__name__)
        return Response(status_code=200)
    await context.container.inbox.save([keyed])
    await app.update_processor.process_update(update, app.process_update(update))
    return Response(status_code=200)


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready")
async def ready(request: Request) -> Response:
    """Ready when the database answers and the bot (if this process runs one) is running."""
    context = admin_context(request)
    database = await _database_ok(context.container.engine)
    bot = context.telegram is None or bool(context.telegram.running)
    status = 200 if database and bot else 503
    body = {"database": "ok" if database else "down", "bot": "ok" if bot else "down"}
    return JSONResponse(body, status_code=status)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer` it."""
    container = admin_context(request).container
    token = container.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    body = await container.metrics.render()
    return Response(body, media_type=CONTENT_TYPE_LATEST)


async def _database_ok(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        log.warning("readiness: database unreachable (%s)", type(error).__name__)
        return False
    return True
