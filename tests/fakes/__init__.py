"""Local fakes of external services, real HTTP servers on 127.0.0.1 in the test's event loop.

Each is an async context manager with `base_url` (to hand to the real adapter), `requests`
(everything received) and knobs to misbehave (`fail_status`, `delay`, and per-service ones).

    @pytest.fixture
    async def dadata():
        async with FakeDaData(api_key="test-key") as fake:
            yield fake
"""

from tests.fakes.dadata import FakeDaData
from tests.fakes.server import AsgiServer, FakeService, RecordedRequest
from tests.fakes.yandex_maps import FakeStaticMaps, png

__all__ = ["AsgiServer", "FakeDaData", "FakeService", "FakeStaticMaps", "RecordedRequest", "png"]
