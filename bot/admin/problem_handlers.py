"""Every refusal of the admin app's JSON APIs answered as problem details (bot/admin/problem):
domain errors, the framework's validation errors (a body that is not JSON: 400
`json_invalid`; fields: 422 `invalid_request` with `errors`), HTTP errors (404, 405 with the
whole `Allow`, ...) and unexpected errors (500 `internal_error`); rate limits and forged
cookies are bot/admin/sign_in.py's (counted and audited), problems there too. A domain
error on a page (not under /api or /board/api) still answers the page's HTML error page."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from bot.admin import factor_pages, pages
from bot.admin.allow import allowed_methods
from bot.admin.problem import STATUS, Problem, is_json_api, problem, translator
from core.errors import DomainError
from handlers.errors import describe
from handlers.i18n import N_, Translator

log = logging.getLogger(__name__)
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}
HTTP_DETAILS = {
    400: N_("The request is not valid."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not take that method."),
    413: N_("The request body is larger than 64 KiB."),
    415: N_("Send the body as JSON."),
}
# The framework's field errors people meet most, in their language (others in English).
FIELD_MESSAGES = {
    "missing": N_("This field is required."),
    "int_type": N_("Send a whole number."),
    "int_parsing": N_("Send a whole number."),
    "int_from_float": N_("Send a whole number."),
    "bool_type": N_("Send true or false."),
    "bool_parsing": N_("Send true or false."),
    "string_type": N_("Send a text."),
    "string_too_long": N_("This is too long."),
    "string_too_short": N_("This is too short."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "literal_error": N_("This is not one of the values allowed."),
    "enum": N_("This is not one of the values allowed."),
    "extra_forbidden": N_("This field is not taken here."),
    "date_from_datetime_parsing": N_("Send a date as YYYY-MM-DD."),
    "datetime_from_date_parsing": N_("Send a time in ISO 8601."),
    "string_pattern_mismatch": N_("This does not have the expected form."),
}


def field_errors(t: Translator, error: RequestValidationError) -> list[dict[str, str]]:
    found = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()))
        msgid = FIELD_MESSAGES.get(str(item.get("type", "")))
        found.append({"field": where, "message": t(msgid) if msgid else str(item.get("msg", ""))})
    return found


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        t = translator(request)
        status = STATUS.get(error.code, 422)
        if not is_json_api(request):
            if error.code in factor_pages.REDIRECTS:  # the second factor's pages come first
                return RedirectResponse(factor_pages.REDIRECTS[error.code], status_code=303)
            return pages.error_page(request, t, describe(t, error), status)
        return problem(request, status, error.code, describe(t, error))

    @app.exception_handler(Problem)
    async def refused(request: Request, error: Problem) -> Response:
        t = translator(request)
        errors = error.errors
        if errors is not None:
            errors = [{**e, "message": t(e["message"])} for e in errors]
        return problem(request, error.status, error.code, t(error.detail), error.headers, errors)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        t = translator(request)
        if any(item.get("type") == "json_invalid" for item in error.errors()):
            return problem(request, 400, "json_invalid", t("The body is not valid JSON."))
        detail = t("Some fields are not valid.")
        return problem(request, 422, "invalid_request", detail, errors=field_errors(t, error))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        status = error.status_code
        headers: dict[str, Any] = dict(error.headers or {})
        if status == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request))
        msgid = HTTP_DETAILS.get(status)
        t = translator(request)
        detail = t(msgid) if msgid else str(error.detail)
        return problem(request, status, HTTP_CODES.get(status, "http_error"), detail, headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        # Starlette logs the error and raises it on after this answer; nothing of it is sent.
        if not is_json_api(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        detail = translator(request)("Something went wrong on our side; try again later.")
        return problem(request, 500, "internal_error", detail)
