"""Building the admin side of the services: plan limits, sign-in, settings with encrypted
credentials, and billing through the deployment's T-Bank terminal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bot.settings import Settings
from core.admin.address_suggesters import OrgAddressSuggesters
from core.admin.factor_setup import FactorSetupService
from core.admin.model import Terminal
from core.admin.org_settings import OrgSettingsService
from core.admin.second_factor import SecondFactorService
from core.admin.service import AdminService
from core.billing.plans import PlanGuard
from core.billing.service import BillingService
from core.ports import AddressSuggester, Clock, PaymentGateway, SecretBox, UowFactory
from integrations.passkeys import WebAuthnPasskeys
from integrations.tbank import HttpTBank
from integrations.totp import PyotpCodes
from storage.secrets import FernetSecretBox

log = logging.getLogger(__name__)

DEFAULT_ADMIN_PORT = 8081


def public_url(settings: Settings) -> str:
    """Where browsers and the bank reach the admin endpoint."""
    if settings.public_base_url:
        return settings.public_base_url
    port = DEFAULT_ADMIN_PORT if settings.admin_port is None else settings.admin_port
    return f"http://{settings.admin_host}:{port}"


def secret_box(settings: Settings) -> SecretBox:
    if settings.encryption_key is not None:
        return FernetSecretBox(settings.encryption_key.get_secret_value())
    log.warning(
        "ENCRYPTION_KEY is not set: credentials saved now cannot be read after a restart; set "
        "it to a key from: python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'"
    )
    return FernetSecretBox(FernetSecretBox.generate_key())


def payment_gateway(settings: Settings, http: httpx.AsyncClient) -> PaymentGateway | None:
    if not settings.billing_enabled:
        return None
    assert settings.tbank_terminal_key is not None and settings.tbank_password is not None
    return HttpTBank(
        http,
        settings.tbank_terminal_key,
        settings.tbank_password.get_secret_value(),
        settings.tbank_base_url,
    )


def fallback_credentials(settings: Settings) -> dict[str, str]:
    """The deployment's own keys, used by organizations that stored none."""
    pairs = {
        "dadata_token": settings.dadata_api_key,
        "yandex_maps_key": settings.yandex_maps_api_key,
        "salutespeech_key": settings.salute_auth_key,
        "openrouter_key": settings.openrouter_api_key,
        "yandex_cloud_key": settings.yandex_cloud_api_key,
    }
    found = {name: value.get_secret_value() for name, value in pairs.items() if value}
    if settings.yandex_cloud_folder_id:
        found["yandex_folder_id"] = settings.yandex_cloud_folder_id
    return found


@dataclass(frozen=True, slots=True)
class AdminParts:
    plans: PlanGuard
    admin: AdminService
    org_settings: OrgSettingsService
    billing: BillingService
    addresses: OrgAddressSuggesters
    second_factor: SecondFactorService
    factor_setup: FactorSetupService


def admin_parts(
    uow: UowFactory,
    clock: Clock,
    settings: Settings,
    gateway: PaymentGateway | None,
    box: SecretBox | None,
    address_for_key: Callable[[str], AddressSuggester] | None = None,
    addresses: AddressSuggester | None = None,
) -> AdminParts:
    base = public_url(settings)
    plans = PlanGuard(settings.billing_enabled, f"{base}/billing")
    terminal = None
    if settings.billing_enabled:
        assert settings.tbank_terminal_key is not None and settings.tbank_password is not None
        terminal = Terminal(
            settings.tbank_terminal_key,
            settings.tbank_password.get_secret_value(),
            notification_url=f"{base}/tbank/notify",
            success_url=f"{base}/billing",
        )
    org_settings = OrgSettingsService(uow, clock, box, fallback_credentials(settings))
    totp, passkeys = PyotpCodes(), WebAuthnPasskeys(base)  # the relying party: PUBLIC_BASE_URL
    return AdminParts(
        plans,
        AdminService(uow, clock, base),
        org_settings,
        BillingService(uow, clock, plans, gateway, terminal),
        OrgAddressSuggesters(org_settings, address_for_key, addresses),
        SecondFactorService(uow, clock, box, totp, passkeys),
        FactorSetupService(uow, clock, box, totp, passkeys),
    )
