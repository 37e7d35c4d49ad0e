"""`astracrm` as a real process: configuration errors, and `run` against the emulator."""

import asyncio
import os
import signal
import socket
import sys

import httpx

from sandbox.emulator import EmulatorServer, TelegramEmulator

ASTRACRM = [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())"]


async def _run(*args, env):
    process = await asyncio.create_subprocess_exec(
        *ASTRACRM, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/crm.db", PTB_TIMEDELTA="true", **extra)
    return env


async def test_invalid_setting_is_one_clear_line_and_exit_code_2(tmp_path):
    code, _, err = await _run("check-config", env=_env(tmp_path, TELEGRAM_BOT_TOKEN="oops"))
    assert code == 2
    assert err.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in err
    assert "Traceback" not in err


async def test_run_without_a_token_starts_the_sandbox(tmp_path):
    env = _env(tmp_path, SANDBOX_DIR=str(tmp_path / "sandbox"), SANDBOX_PORT="0")
    env.pop("ENCRYPTION_KEY", None)
    env.pop("SECRET_KEY", None)
    process = await asyncio.create_subprocess_exec(
        *ASTRACRM,
        "run",
        "--demo",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        lines = []
        while not any("admin pages: http://127.0.0.1:" in line for line in lines):
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            assert line, "the sandbox exited before serving"
            lines.append(line.decode())
        chat, admin = (_address(lines, label) for label in ("web chat:", "admin pages:"))
        async with httpx.AsyncClient() as client:
            state = (await client.get(f"{chat}/api/state")).json()
            assert (await client.get(f"{admin}/health")).status_code == 200
        names = {p["first_name"] for p in state["personas"]}
        assert {"Helen", "Mark", "Tom", "Priya"} <= names, names
        assert any("Demo organization" in line for line in lines)
        assert any("ENCRYPTION_KEY and SECRET_KEY not set" in line for line in lines), lines
    finally:
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert "WARNING" not in err.decode(), err.decode()
    assert (tmp_path / "sandbox" / "sandbox.db").exists(), "the sandbox used another database"
    assert (tmp_path / "sandbox" / "encryption.key").exists()
    assert not (tmp_path / "crm.db").exists(), "the sandbox touched the real database"


async def test_a_busy_admin_port_stops_the_sandbox_with_one_clear_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = _env(tmp_path, SANDBOX_DIR=str(tmp_path), SANDBOX_PORT="0", ADMIN_PORT=str(port))
        code, _, err = await _run("sandbox", env=env)
    assert code == 2
    assert f"cannot listen on port 0 (web chat) or {port} (admin pages)" in err, err
    assert "Traceback" not in err and "Unclosed" not in err, err


def _address(lines: list[str], label: str) -> str:
    line = next(line for line in lines if label in line)
    return line.split(label, 1)[1].split()[0].rstrip("/")


async def test_run_answers_in_both_languages_and_survives_malformed_updates(tmp_path):
    emulator = TelegramEmulator("4242:PROCESS-TEST-TOKEN-abcdef", bot_username="crm_bot")
    async with EmulatorServer(emulator) as server:
        env = _env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=emulator.token,
            TELEGRAM_API_BASE_URL=server.api_base_url,
            TELEGRAM_FILE_BASE_URL=server.file_base_url,
        )
        process = await asyncio.create_subprocess_exec(
            *ASTRACRM, "run", env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            emulator.state.push_update("message", {"message_id": 1, "date": 0})
            ru = emulator.user(801, "Ольга", language_code="ru")
            await ru.send("/help")
            assert "Что я умею" in (await ru.reply(timeout=30)).text
            en = emulator.user(802, "Bob", language_code="en")
            await en.send("/start")
            assert "Choose your language" in (await en.reply()).text
            await en.tap("✓ English")
            assert "16" in (await en.reply()).text
        finally:
            process.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, err.decode()[-2000:]
        assert "Ольга" not in err.decode() and emulator.token not in err.decode()
