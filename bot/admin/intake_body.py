"""The body of `POST /api/public/v1/orders` (docs/widget.md): the AstraCRM widget's field
names, each with a size limit, read after the body limit (64 KiB, 413 before parsing), and
turned into `core.intake.requests.WebsiteRequest`. Refusals are field errors (422)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from core.intake.model import DEFAULT_REQUIRED, REQUIRABLE
from core.intake.requests import WebsiteRequest

MIN_FILL_MS = 3000  # a person takes longer than this to fill the form
ID_MAX = 18  # digits of an id


class Suggested(BaseModel):
    """A DaData suggestion as the widget passes it on (`addresses`): only the text and the
    coordinates are kept."""

    model_config = ConfigDict(extra="ignore")
    value: str = Field(min_length=1, max_length=500)
    unrestricted_value: str | None = Field(None, max_length=500)
    data: dict[str, Any] | None = None


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="ignore", alias_generator=to_camel, populate_by_name=True)
    client_phone: str = Field(min_length=1, max_length=32, examples=["79161234567"])
    client_name: str | None = Field(None, max_length=200)
    description: str = Field("", max_length=1000, description="the comment")
    service_id: str | int | None = Field(None, description="a category id from the catalogue")
    sub_service_id: str | int | None = Field(None, description="a service id of that category")
    service_text: str | None = Field(None, max_length=200, description="free text instead")
    address: str | None = Field(None, max_length=500)
    addresses: dict[str, Any] | None = Field(None, description="a DaData suggestion")
    email: str | None = Field(None, max_length=254)
    preferred_time: str | None = Field(None, max_length=100, description="in words")
    preferred_at: datetime | None = Field(None, description="ISO 8601 with its UTC offset")
    consent: bool = Field(description="the client agreed to the privacy policy")
    policy_version: str = Field(min_length=1, max_length=32)
    website: str | None = Field(None, max_length=200, description="leave empty (honeypot)")
    fill_ms: int | None = Field(None, ge=0, le=86_400_000, description="ms spent on the form")


class Refused(Exception):
    """422 with field errors: {field: [message]}."""

    def __init__(self, errors: dict[str, list[str]], outcome: str = "invalid") -> None:
        super().__init__(outcome)
        self.errors = errors
        self.outcome = outcome


def parse(raw: object) -> OrderIn:
    try:
        return OrderIn.model_validate(raw)
    except ValidationError as error:
        found: dict[str, list[str]] = {}
        for problem in error.errors():
            where = str(problem["loc"][0]) if problem["loc"] else "body"
            found.setdefault(where, []).append(problem["msg"])
        raise Refused(found) from None


def _id(value: str | int | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    text = str(value)
    if isinstance(value, bool) or not text.isascii() or not text.isdigit() or len(text) > ID_MAX:
        raise Refused({name: ["Choose one of the catalogue's entries."]})
    return int(text)


def _coordinate(data: dict[str, Any] | None, name: str) -> float | None:
    value = (data or {}).get(name)
    try:
        number = float(value) if isinstance(value, str | int | float) else None
    except ValueError:
        return None
    return number if number is not None and -180 <= number <= 180 else None


def _suggested(given: dict[str, Any] | None) -> Suggested | None:
    if given is None:
        return None
    try:
        return Suggested.model_validate(given)
    except ValidationError:
        raise Refused({"addresses": ["Pick one of the suggested addresses."]}) from None


def missing(body: OrderIn, required: tuple[str, ...]) -> dict[str, list[str]]:
    """The fields the organization requires (core.intake.model.REQUIRABLE) left empty."""
    given = {
        "email": bool((body.email or "").strip()),
        "address": bool((body.address or "").strip()) or body.addresses is not None,
        "preferred_time": body.preferred_at is not None
        or bool((body.preferred_time or "").strip()),
        "comment": bool(body.description.strip()),
    }
    return {REQUIRABLE[n]: ["Please fill this in."] for n in required if not given.get(n, True)}


def checked(body: OrderIn, required: tuple[str, ...] = DEFAULT_REQUIRED) -> WebsiteRequest:
    """The abuse rules, the organization's required fields and the cross-field rules, then
    the request for the use case."""
    if body.website:
        raise Refused({"website": ["Leave this field empty."]}, "honeypot")
    if body.fill_ms is not None and body.fill_ms < MIN_FILL_MS:
        raise Refused({"fillMs": ["The form was sent too fast."]}, "too_fast")
    if not body.consent:
        raise Refused({"consent": ["Consent to the privacy policy is required."]})
    if empty := missing(body, required):
        raise Refused(empty)
    if body.preferred_at is not None and body.preferred_at.utcoffset() is None:
        raise Refused({"preferredAt": ["Give the time with its UTC offset."]})
    category, service = _id(body.service_id, "serviceId"), _id(body.sub_service_id, "subServiceId")
    text = (body.service_text or "").strip() or None
    if category is None and text is None:
        raise Refused({"serviceId": ["Choose a service."]})
    suggested = _suggested(body.addresses)
    address = (body.address or "").strip() or None
    if suggested is not None:
        address = (suggested.unrestricted_value or suggested.value).strip() or address
    name = (body.client_name or "").strip() or "—"
    return WebsiteRequest(
        name=name,
        phone=body.client_phone,
        description=body.description.strip(),
        policy_version=body.policy_version.strip(),
        category_id=category,
        service_id=service,
        service_text=text,
        address=address,
        latitude=_coordinate(suggested.data if suggested else None, "geo_lat"),
        longitude=_coordinate(suggested.data if suggested else None, "geo_lon"),
        email=(body.email or "").strip() or None,
        preferred_time=(body.preferred_time or "").strip() or None,
        scheduled_at=body.preferred_at,
    )
