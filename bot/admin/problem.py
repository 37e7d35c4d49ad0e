"""The one error shape of the admin app's JSON APIs (issue 25, item 14): RFC 9457 problem
details, `Content-Type: application/problem+json`, for the admin API (`/api/...`), the
board's API (`/board/api/...`), the public intake (`/api/public/v1`) and the REST API
(`/api/v1`) alike. `type` names the problem (`urn:astracrm:problem:<code>`), `title` says
the status in short, `status` repeats it, `detail` explains this occurrence, `instance` is
the path asked, `code` is the machine-readable code to branch on, and a request with bad
fields lists them in `errors` (`[{field, message}]`). Titles and details are in the
signed-in person's language, else the first of ours that Accept-Language names (ru/en)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.requests import HTTPConnection

from bot.admin.context import admin_context
from core.domain import LANGUAGES
from handlers.i18n import N_, Translator

MEDIA = "application/problem+json"
SCHEMA = "ProblemDetails"
REF = {"$ref": f"#/components/schemas/{SCHEMA}"}
TITLES = {
    400: N_("Bad request"),
    401: N_("Not authenticated"),
    402: N_("Payment required"),
    403: N_("Forbidden"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    412: N_("Precondition failed"),
    413: N_("Request body too large"),
    415: N_("Unsupported media type"),
    422: N_("Unprocessable content"),
    429: N_("Too many requests"),
    500: N_("Internal server error"),
    502: N_("Bad gateway"),
    503: N_("Service unavailable"),
}
# The status of a domain error's code, wherever it is raised (else 422: a rule of the CRM).
STATUS = {
    "session_invalid": 401,
    "token_invalid": 401,
    "sign_in_invalid": 401,
    "api_key_invalid": 401,
    "plan_members_limit": 402,
    "plan_orders_limit": 402,
    "forbidden": 403,
    "access_revoked": 403,
    "csrf_invalid": 403,
    "payment_forged": 403,
    "api_scope_missing": 403,
    "board_workers": 403,
    "second_factor_pending": 403,  # signed in by the link; the second factor comes first
    "second_factor_setup": 403,  # an owner who must add a second factor first
    "second_factor_not_fresh": 403,
    "not_found": 404,
    "order_not_found": 404,
    "order_gone": 404,
    "billing_unavailable": 409,
    "credentials_unavailable": 409,
    "ownbot_unavailable": 409,
    "ownbot_taken": 409,
    "ownbot_none": 409,
    "client_duplicate": 409,
    "board_clash": 409,
    "board_away": 409,
    "stale": 409,
    "payment_unavailable": 502,
    "dadata_refused": 503,  # the company register failing (docs/dadata-party.md)
    "dadata_busy": 503,
    "dadata_unavailable": 503,
}


class FieldProblem(BaseModel):
    field: str = Field(examples=["body.url"], description="where: the part and the field")
    message: str = Field(examples=["Input should be a valid integer"])


class ProblemDetails(BaseModel):
    """RFC 9457 problem details with AstraCRM's members `code` and `errors`."""

    type: str = Field(examples=["urn:astracrm:problem:api_scope_missing"])
    title: str = Field(examples=["Forbidden"])
    status: int = Field(examples=[403])
    detail: str = Field(examples=["This API key does not have the scope orders:write."])
    instance: str = Field(examples=["/api/v1/orders"], description="the path asked")
    code: str = Field(examples=["api_scope_missing"], description="what to branch on")
    errors: list[FieldProblem] | None = Field(None, description="on 422: the fields refused")


class Problem(Exception):
    """A refusal that is not a domain rule (a precondition, a reused key): `detail` and the
    errors' messages are English msgids, translated when answered."""

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


JSON_PREFIXES = ("/api/", "/board/api/")


def is_json_api(request: HTTPConnection) -> bool:
    """A path whose refusals are problems (pages answer their HTML error page)."""
    return request.url.path.startswith(JSON_PREFIXES)


def language(request: HTTPConnection) -> str:
    """The signed-in person's language (set when they were recognized), else the first of
    ours Accept-Language names, else English."""
    chosen = request.scope.get("state", {}).get("language")
    if chosen in LANGUAGES:
        return str(chosen)
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";", 1)[0].strip().split("-", 1)[0].lower()
        if tag in LANGUAGES:
            return tag
    return "en"


def translator(request: HTTPConnection) -> Translator:
    return admin_context(request).translator(language(request))


def problem(
    request: HTTPConnection,
    status: int,
    code: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """The answer; `detail` and the errors' messages are already in the reader's language."""
    t = translator(request)
    body: dict[str, Any] = {
        "type": f"urn:astracrm:problem:{code}",
        "title": t(TITLES.get(status, TITLES[500 if status >= 500 else 400])),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extensions)
    extra = dict(headers or {})
    path = request.url.path
    if status == 401 and path.startswith("/api/") and not path.startswith("/api/public/"):
        extra.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(body, status_code=status, headers=extra, media_type=MEDIA)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The document's entries for these statuses: the problem schema, one shared component."""
    return {
        status: {"description": TITLES[status], "content": {MEDIA: {"schema": REF}}}
        for status in statuses
    }


def document(app: FastAPI) -> None:
    """The OpenAPI document gains the problem component; every error response of every
    operation is a problem, 500 is listed on each, and 400 (a body that is not JSON) and 413
    on each that takes a body."""
    made = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = made()
        found = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(found.pop("$defs", {}))
        schemas[SCHEMA] = found
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                extra = [400, 413, 500] if "requestBody" in operation else [500]
                for status in extra:
                    answers.setdefault(str(status), responses(status)[status])
                for status, answer in answers.items():
                    if status.isdigit() and int(status) >= 400:
                        answer["content"] = {MEDIA: {"schema": REF}}
        for unused in ("HTTPValidationError", "ValidationError", "ErrorOut"):
            schemas.pop(unused, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
