"""The local T-Bank acquiring API is one of the sandbox's peers (sandbox/peers/tbank.py), which
the sandbox's demo pays through; the tests import it from here."""

from sandbox.peers.tbank import (
    BASE_PATH,
    NOT_MATCHED,
    PRE_AUTH,
    Delivery,
    FakePayment,
    FakeTBank,
    refusal,
    sign,
)

__all__ = [
    "BASE_PATH",
    "NOT_MATCHED",
    "PRE_AUTH",
    "Delivery",
    "FakePayment",
    "FakeTBank",
    "refusal",
    "sign",
]
