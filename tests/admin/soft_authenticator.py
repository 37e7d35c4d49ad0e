"""A passkey authenticator in software, for tests: an EC P-256 key (cryptography) and the
WebAuthn structures of the `fido2` library (authenticator data, a "none" attestation, client
data, the browser's JSON of PublicKeyCredential). What it answers is signed for real, so the
server's `webauthn` library verifies a real signature; nothing is mocked."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

FLAG = AuthenticatorData.FLAG


class SoftAuthenticator:
    def __init__(self, origin: str, counter: int = 0) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.origin = origin
        self.counter = counter

    def create(self, options: dict[str, Any], origin: str | None = None) -> str:
        """navigator.credentials.create() answered, as JSON (PublicKeyCredential.toJSON)."""
        rp_id = options["rp"]["id"]
        client = CollectedClientData.create(
            "webauthn.create", options["challenge"], origin or self.origin
        )
        public = ES256.from_cryptography_key(self.key.public_key())
        attested = AttestedCredentialData.create(b"\0" * 16, self.credential_id, public)
        data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(),
            FLAG.UP | FLAG.UV | FLAG.AT,
            self.counter,
            attested,
        )
        attestation = AttestationObject.create("none", data, {})
        response = RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=client, attestation_object=attestation
            ),
        )
        return json.dumps(dict(response))

    def get(self, options: dict[str, Any], rp_id: str, counter: int | None = None) -> str:
        """navigator.credentials.get() answered: the counter grows by one unless given."""
        self.counter = self.counter + 1 if counter is None else counter
        client = CollectedClientData.create("webauthn.get", options["challenge"], self.origin)
        data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(), FLAG.UP | FLAG.UV, self.counter
        )
        signature = self.key.sign(bytes(data) + client.hash, ec.ECDSA(hashes.SHA256()))
        response = AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client, authenticator_data=data, signature=signature
            ),
        )
        return json.dumps(dict(response))
