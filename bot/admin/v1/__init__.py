"""The REST API for integrations under /api/v1 (docs/rest-api.md): API keys with scopes,
problem details, idempotent POSTs, ETags on PATCH, cursor pages, a rate limit per key."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from bot.admin.v1 import clients, members, orders, orders_write, payments, problems, webhooks

router = APIRouter(prefix=problems.PREFIX)
router.include_router(clients.router)
router.include_router(members.router)
router.include_router(orders.router)
router.include_router(orders_write.router)
router.include_router(payments.router)
router.include_router(webhooks.router)


def install(app: FastAPI) -> None:
    app.include_router(router)
