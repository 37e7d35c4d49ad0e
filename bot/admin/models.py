"""Request and response models of the admin API: validated at the edge, mapped from core."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from core.admin.model import CREDENTIAL_MAX, CREDENTIALS, ApiToken, BillingOverview
from core.admin.org_settings import OrgSettingsView
from core.notifications.rules import MAX_REMINDER_MINUTES

CredentialName = Literal[
    "salutespeech_key",
    "openrouter_key",
    "yandex_cloud_key",
    "yandex_folder_id",
    "dadata_token",
    "yandex_maps_key",
    "tbank_terminal_key",
    "tbank_password",
    "pbx_key",
    "pbx_secret",
]
assert set(CredentialName.__args__) == set(CREDENTIALS)  # type: ignore[attr-defined]
Id = Annotated[int, Path(ge=1, le=2**62)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MeOut(BaseModel):
    user_id: int
    name: str
    organization_id: int
    organization: str
    role: str


class ProfileIn(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    language: Literal["en", "ru"] | None = None


class CategoriesIn(Strict):
    names: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=30
    )


class PreferencesIn(Strict):
    digest_time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    reminder_minutes: StrictInt | None = Field(default=None, ge=0, le=MAX_REMINDER_MINUTES)
    notify_new_orders: bool | None = None
    notify_done: bool | None = None
    notify_payments: bool | None = None
    photos_required: StrictInt | None = Field(default=None, ge=0, le=20)


class CredentialIn(Strict):
    value: str = Field(min_length=1, max_length=CREDENTIAL_MAX, pattern=r"^\S+$")


class CredentialOut(BaseModel):
    name: str
    masked: str | None
    readable: bool


class ProfileOut(BaseModel):
    name: str
    timezone: str
    currency: str
    language: str


class SettingsOut(BaseModel):
    profile: ProfileOut
    categories: list[str]
    digest_time: str
    reminder_minutes: int
    notify_new_orders: bool
    notify_done: bool
    notify_payments: bool
    photos_required: int
    credentials: list[CredentialOut]


def settings_out(view: OrgSettingsView) -> SettingsOut:
    org, prefs = view.organization, view.preferences
    return SettingsOut(
        profile=ProfileOut(
            name=org.name, timezone=org.timezone, currency=org.currency, language=org.language
        ),
        categories=view.categories,
        digest_time=prefs.digest_time,
        reminder_minutes=prefs.reminder_minutes,
        notify_new_orders=prefs.notify_new_orders,
        notify_done=prefs.notify_done,
        notify_payments=prefs.notify_payments,
        photos_required=org.photos_required,
        credentials=[
            CredentialOut(name=c.name, masked=c.masked, readable=c.readable)
            for c in view.credentials
        ],
    )


class PlanOut(BaseModel):
    code: str
    monthly_price: int = Field(description="kopecks")
    max_members: int | None
    max_orders_per_month: int | None
    ai_calls_per_month: int | None


class PaymentOut(BaseModel):
    order_id: str
    amount: int
    status: str
    plan: str
    months: int
    created_at: datetime


class BillingOut(BaseModel):
    plan: PlanOut
    paid_until: datetime | None
    period_start: datetime
    period_end: datetime
    members: int
    orders_this_period: int
    can_buy: bool
    limits_enforced: bool
    payments: list[PaymentOut]


def billing_out(overview: BillingOverview) -> BillingOut:
    plan, sub = overview.plan, overview.subscription
    return BillingOut(
        plan=PlanOut(
            code=plan.code,
            monthly_price=plan.monthly_price,
            max_members=plan.max_members,
            max_orders_per_month=plan.max_orders_per_month,
            ai_calls_per_month=plan.ai_calls_per_month,
        ),
        paid_until=sub.current_period_end if sub and plan.monthly_price else None,
        period_start=overview.period_start,
        period_end=overview.period_end,
        members=overview.members,
        orders_this_period=overview.usage.get("orders", 0),
        can_buy=overview.can_buy,
        limits_enforced=overview.enforced,
        payments=[
            PaymentOut(
                order_id=p.order_id,
                amount=p.amount,
                status=p.status,
                plan=p.plan,
                months=p.months,
                created_at=p.created_at,
            )
            for p in overview.payments
        ],
    )


class CheckoutIn(Strict):
    plan: Literal["pro", "business"]
    months: StrictInt = Field(default=1, ge=1, le=12)
    email: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})


class CheckoutOut(BaseModel):
    order_id: str
    payment_url: str
    amount: int


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=60)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="Shown once; store it now")


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
    )
