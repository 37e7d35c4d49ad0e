"""The shared base of the fakes lives with the sandbox's peers (sandbox/peers/service.py),
which the sandbox runs too; the tests import it from here."""

from sandbox.peers.service import AsgiServer, FakeService, RecordedRequest

__all__ = ["AsgiServer", "FakeService", "RecordedRequest"]
