"""`python -m bench flood --quick` runs end to end (as CI smoke-runs it): three bot processes
sharing Redis deliver every message, every one of them sends, and replies are answered while
a broadcast is queued. (The 30 a second itself is checked on the budget's own turns, which
arrival times on a busy machine only blur: tests/integration/test_flood_redis.py.)"""

from __future__ import annotations

import json

import pytest

from bench.__main__ import main

pytestmark = pytest.mark.usefixtures("redis")


@pytest.fixture
def redis():
    from redis import Redis
    from redis.exceptions import RedisError

    from bench.flood import REDIS_URL

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2.0)
    try:
        client.ping()
    except (RedisError, OSError) as error:
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({type(error).__name__})")
    finally:
        client.close()


def test_quick_flood_benchmark_keeps_the_limit_across_processes(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["flood", "--quick", "--out", str(out)]) == 0
    [written] = out.glob("flood-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert report["settings"]["quick"] is True and report["settings"]["budget"] == "Redis"
    shared = report["shared"]
    assert shared["messages"] == 45 and shared["max_in_1s"] > 0
    assert [p["sent"] for p in shared["processes"]] == [15, 15, 15]
    for where in ("other process", "same process"):
        replies = report["replies"][where]
        assert replies["taps"] == 12 and replies["unanswered"] == 0
        assert replies["broadcast_per_s"] > 0
    assert "p95 ms" in capsys.readouterr().out
