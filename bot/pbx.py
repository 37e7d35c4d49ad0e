"""The PBX webhook, `GET/POST /pbx/zadarma/{org_key}`: self-contained Starlette routes for the
admin app to mount. GET answers Zadarma's `?zd_echo=` URL check; POST takes a form-encoded
call event signed in the `Signature` header (docs/protocols.md, Zadarma). The `org_key` says
whose secret checks the signature. Bodies, numbers and signatures are never logged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.container import Container

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024  # an event is a few hundred bytes
_ORG_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def pbx_routes(container: Container, wake: Callable[[], None] | None = None) -> list[Route]:
    """The webhook route; `wake` nudges the job runners after an event queued work."""
    calls = container.services.calls

    async def zadarma(request: Request) -> Response:
        org_key = request.path_params["org_key"]
        if not _ORG_KEY.fullmatch(org_key):
            return PlainTextResponse("", status_code=404)
        if request.method == "GET":
            reply = await calls.echo(org_key, request.query_params.get("zd_echo", ""))
            return PlainTextResponse(reply.body, status_code=reply.status)
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            return PlainTextResponse("", status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY:
            return PlainTextResponse("", status_code=413)
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        reply = await calls.handle_event(org_key, fields, request.headers.get("signature"))
        if reply.status == 200 and wake is not None:
            wake()
        return PlainTextResponse(reply.body, status_code=reply.status)

    return [Route("/pbx/zadarma/{org_key}", zadarma, methods=["GET", "POST"])]
