"""Servers keep idle connections open longer than our clients do (sandbox/emulator/server.py,
which the admin endpoint uses too): the side that closes an idle connection first must be the
client, or its next request on that connection races the close and fails with "server
disconnected" (measured with uvicorn's default of 5 s: 4 of 40 requests sent 4.9-5.1 s after
the one before)."""

from __future__ import annotations

import aiohttp

from sandbox.emulator.server import KEEP_ALIVE_SECONDS, AsgiServer


async def _app(scope, receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def test_the_server_keeps_idle_connections_longer_than_our_clients():
    server = AsgiServer(_app)
    await server.start()
    try:
        assert server._server is not None
        assert server._server.config.timeout_keep_alive == KEEP_ALIVE_SECONDS
    finally:
        await server.stop()
    client = aiohttp.TCPConnector()  # as the bot's Telegram requests and peers' clients
    try:
        assert client._keepalive_timeout < KEEP_ALIVE_SECONDS
    finally:
        await client.close()
    assert KEEP_ALIVE_SECONDS > 5.0  # httpx's pool keeps idle connections 5 s
