"""Passkeys (WebAuthn Level 2) with the `webauthn` library, for the web sign-in's second
factor. The relying party is the host of PUBLIC_BASE_URL (its id: the host name; the only
origin accepted: scheme, host and port), so a passkey made for one deployment's address is
useless anywhere else. Attestation is not asked for ("none"): a passkey is a second factor
the person chose, not a device the organization vets. User verification is preferred, not
required: the link from Telegram is the first factor. docs/second-factor.md has the details.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from core.admin.factors import Assertion, NewPasskey

RP_NAME = "AstraCRM"
TIMEOUT_MS = 120_000


class WebAuthnPasskeys:
    def __init__(self, public_url: str) -> None:
        parts = urlsplit(public_url)
        if not parts.hostname:
            raise ValueError("PUBLIC_BASE_URL has no host")
        self.rp_id = parts.hostname
        self.origin = f"{parts.scheme}://{parts.netloc}"

    def registration_options(
        self, user_handle: bytes, name: str, display_name: str, exclude: list[str]
    ) -> tuple[str, str]:
        options = generate_registration_options(
            rp_id=self.rp_id,
            rp_name=RP_NAME,
            user_id=user_handle,
            user_name=name,
            user_display_name=display_name,
            timeout=TIMEOUT_MS,
            exclude_credentials=[_descriptor(i) for i in exclude],
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.DISCOURAGED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
        )
        return options_to_json(options), bytes_to_base64url(options.challenge)

    def verify_registration(self, response: str, challenge: str) -> NewPasskey:
        try:
            verified = verify_registration_response(
                credential=response,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=self.rp_id,
                expected_origin=self.origin,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"registration refused: {type(error).__name__}") from None
        return NewPasskey(
            bytes_to_base64url(verified.credential_id),
            verified.credential_public_key,
            verified.sign_count,
        )

    def authentication_options(self, allow: list[str]) -> tuple[str, str]:
        options = generate_authentication_options(
            rp_id=self.rp_id,
            timeout=TIMEOUT_MS,
            allow_credentials=[_descriptor(i) for i in allow],
            user_verification=UserVerificationRequirement.PREFERRED,
        )
        return options_to_json(options), bytes_to_base64url(options.challenge)

    def credential_of(self, response: str) -> str:
        try:
            raw = json.loads(response)["rawId"]
            return bytes_to_base64url(base64url_to_bytes(str(raw)))
        except (ValueError, KeyError, TypeError):
            raise ValueError("no credential id") from None

    def verify_authentication(self, response: str, challenge: str, public_key: bytes) -> Assertion:
        """The counter is checked by the caller (core/admin/factors.py, `sign_count_ok`),
        so a counter going backwards is told apart from any other refusal."""
        try:
            verified = verify_authentication_response(
                credential=response,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=self.rp_id,
                expected_origin=self.origin,
                credential_public_key=public_key,
                credential_current_sign_count=0,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"assertion refused: {type(error).__name__}") from None
        return Assertion(bytes_to_base64url(verified.credential_id), verified.new_sign_count)


def _descriptor(credential_id: str) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
