"""Errors of /api/v1 as RFC 9457 problem details (application/problem+json): `type` names
the problem (`urn:astracrm:problem:<code>`), `title` says it in short, `status` repeats the
HTTP status, `detail` explains this occurrence, `code` is the machine-readable code, and a
request that failed validation lists `errors` (where and what)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from bot.admin.context import admin_context
from bot.admin.security import RateLimited
from core.errors import DomainError
from handlers.errors import describe

PREFIX = "/api/v1"
MEDIA = "application/problem+json"
STATUS = {
    "api_key_invalid": 401,
    "api_scope_missing": 403,
    "forbidden": 403,
    "access_revoked": 403,
    "not_found": 404,
    "order_not_found": 404,
    "order_gone": 404,
    "client_duplicate": 409,
    "plan_members_limit": 402,
    "plan_orders_limit": 402,
    "dadata_refused": 503,  # the company register failing (docs/dadata-party.md)
    "dadata_busy": 503,
    "dadata_unavailable": 503,
}
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    422: "Unprocessable content",
    429: "Too many requests",
    503: "Service unavailable",
}


class ProblemOut(BaseModel):
    type: str = Field(examples=["urn:astracrm:problem:api_scope_missing"])
    title: str = Field(examples=["Forbidden"])
    status: int = Field(examples=[403])
    detail: str = Field(examples=["This API key does not have the scope orders:write."])
    code: str = Field(examples=["api_scope_missing"])
    errors: list[dict[str, str]] | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": ProblemOut, "description": TITLES[status], "content": {MEDIA: {}}}
        for status in statuses
    }


PROBLEMS = problems(401, 403, 404, 413, 422, 429)
ON_POST = problems(409)  # a duplicate; the same Idempotency-Key in flight
ON_PATCH = problems(409, 412)


class Problem(Exception):
    """A refusal of /api/v1 that is not a domain rule (a precondition, a reused key)."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.detail = status, code, detail
        self.headers, self.errors = dict(headers or {}), errors


def problem(
    status: int,
    code: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:astracrm:problem:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    extra = dict(headers or {})
    if status == 401:
        extra.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(body, status_code=status, headers=extra, media_type=MEDIA)


def install(app: FastAPI) -> None:
    """Answer errors under /api/v1 as problems; elsewhere the app's own handlers stay."""

    def ours(kind: type[Exception], answer: Callable[[Request, Any], Response]) -> None:
        before = app.exception_handlers.get(kind)

        async def handle(request: Request, error: Any) -> Response:
            if request.url.path.startswith(PREFIX) or before is None:
                return answer(request, error)
            answered = before(request, error)
            return await answered if inspect.isawaitable(answered) else answered

        app.add_exception_handler(kind, handle)

    def domain(request: Request, error: DomainError) -> Response:
        t = admin_context(request).translator("en")
        return problem(STATUS.get(error.code, 422), error.code, describe(t, error))

    def invalid(_request: Request, error: RequestValidationError) -> Response:
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in error.errors()
        ]
        return problem(422, "invalid_request", "The request is not valid.", errors=errors)

    def http(_request: Request, error: HTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return problem(error.status_code, code, str(error.detail), error.headers)

    def limited(_request: Request, error: RateLimited) -> Response:
        headers = {"Retry-After": error.retry_after}
        detail = f"Too many requests; retry in {error.retry_after} s."
        return problem(429, "rate_limited", detail, headers)

    def refused(_request: Request, error: Problem) -> Response:
        return problem(error.status, error.code, error.detail, error.headers, error.errors)

    ours(DomainError, domain)
    ours(RequestValidationError, invalid)
    ours(HTTPException, http)
    ours(RateLimited, limited)
    ours(Problem, refused)
