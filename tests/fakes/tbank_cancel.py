"""The local T-Bank terminal with Cancel is one of the sandbox's peers
(sandbox/peers/tbank_terminal.py); the tests import it from here."""

from sandbox.peers.tbank_terminal import CANCEL_NOT_ALLOWED, FakeTBankTerminal

__all__ = ["CANCEL_NOT_ALLOWED", "FakeTBankTerminal"]
