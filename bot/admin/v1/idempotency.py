"""Safe retries and lost updates.

POST with `Idempotency-Key`: the first request's result (status and the resource it made)
is kept with the change, in the same transaction; a retry with the same key and the same
body gets that resource again (as it is now) with the first status and
`Idempotent-Replayed: true`; the same key with a different body is refused (422
`idempotency_key_reused`). Only a reference is kept, never the answer's personal data.

PATCH with `If-Match`: the resource's ETag (a hash of its representation, sent with every
GET and change) must still match, else 412 `precondition_failed`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Header, Request
from pydantic import BaseModel
from starlette.responses import JSONResponse

from bot.admin.v1.problems import Problem
from core.apikeys.model import IDEMPOTENCY_KEY_MAX, StoredAnswer
from core.apikeys.service import KeyCaller
from core.services import Services
from handlers.i18n import N_

HEADER = "idempotency-key"
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Any unique string: a retry with it returns the first result",
        examples=["5f0c6d1e-order-form-17"],
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="The ETag of the resource as last read: 412 if it changed since",
    ),
]


def etag(representation: BaseModel) -> str:
    digest = hashlib.sha256(representation.model_dump_json().encode()).hexdigest()
    return f'"{digest[:32]}"'


def answer(representation: BaseModel, status: int = 200, **headers: str) -> JSONResponse:
    sent = {"ETag": etag(representation), **{k.replace("_", "-"): v for k, v in headers.items()}}
    return JSONResponse(representation.model_dump(mode="json"), status, headers=sent)


def check_match(request: Request, current: BaseModel) -> None:
    given = request.headers.get("if-match")
    if given is None:
        return
    tags = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    if "*" not in tags and etag(current) not in tags:
        raise Problem(
            412,
            "precondition_failed",
            N_("The resource changed since it was read: read it again."),
        )


async def once(
    request: Request,
    services: Services,
    caller: KeyCaller,
    body: BaseModel,
    make: Callable[[], Awaitable[int]],
    read: Callable[[int], Awaitable[BaseModel]],
    status: int = 201,
) -> JSONResponse:
    """Run `make` (it returns the id of what it made or changed) at most once per key."""
    key = request.headers.get(HEADER)
    if key is None:
        return answer(await read(await make()), status)
    if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise Problem(
            422,
            "idempotency_key_invalid",
            N_("An Idempotency-Key is 1 to 100 printable characters."),
        )
    digest = hashlib.sha256(
        f"{request.method} {request.url.path}\n{body.model_dump_json()}".encode()
    ).hexdigest()
    stored = await services.api_keys.answer(caller, key)
    if stored is not None:
        if stored.request_hash != digest:
            raise Problem(
                422,
                "idempotency_key_reused",
                N_("This Idempotency-Key was used for a different request."),
            )
        made = int(json.loads(stored.body)["id"])
        return answer(await read(made), stored.status, Idempotent_Replayed="true")
    made = await make()
    kept = StoredAnswer(digest, status, json.dumps({"id": made}))
    if not await services.api_keys.keep_answer(caller, key, kept):
        raise Problem(409, "idempotency_conflict", N_("The same request is being made: retry."))
    return answer(await read(made), status)
