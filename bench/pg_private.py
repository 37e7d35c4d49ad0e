"""A private, throw-away PostgreSQL cluster for benchmarks that read the server's counters.

`pg_stat_database.xact_commit` counts more than a client's own transactions: an idle backend
that falls behind in the cluster-wide shared-invalidation queue (filled by DDL in *any*
database: tests creating and migrating scratch databases, other benchmarks) is signalled to
catch up and does so in an empty transaction of its own, which the counter counts. On a shared
server the idle bot's six pool connections were charged 12-88 such transactions a minute
(seen with `log_min_messages = debug5`: "ProcessCatchupEvent outside transaction", then a
StartTransaction/CommitTransaction pair and no statement). A cluster of our own, started for
the measurement with autovacuum off, holds only the bot's traffic.

The cluster is made with the server's own `initdb` and `pg_ctl` (found through `pg_config
--bindir` or the Debian layout `/usr/lib/postgresql/<version>/bin`), in a temporary folder, on
a free local port, trust authentication; fsync off (nothing in it is kept). PostgreSQL refuses
to run as root, so under root it runs as the `postgres` system user.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Collection, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

_STATEMENT = re.compile(r"\[(?P<pid>\d+)\].*? LOG:  (?:statement|execute [^:]*): (?P<what>.*)$")
INITDB = ("-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")


def bindir() -> Path | None:
    """The folder of PostgreSQL's server programs on this machine, if there is one."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(Path(found.stdout.strip()))
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(debian.iterdir(), key=lambda p: int(p.name) if p.name.isdigit() else 0)
        candidates.extend(version / "bin" for version in reversed(versions))
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _runner() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--"]


def _start(programs: Path, folder: Path) -> int:
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = _runner()
    subprocess.run(
        [*run, str(programs / "initdb"), "-D", str(data), *INITDB],
        check=True,
        capture_output=True,
    )
    log = str(folder / "server.log")
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c autovacuum=off "
        "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    )
    subprocess.run(
        [*run, str(programs / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", log, "start"],
        check=True,
        capture_output=True,
    )
    return port


def _stop(programs: Path, folder: Path) -> None:
    stop = ["-D", str(folder / "data"), "-m", "immediate", "-w", "stop"]
    subprocess.run([*_runner(), str(programs / "pg_ctl"), *stop], capture_output=True)


@dataclass(frozen=True)
class PrivateServer:
    url: str  # database `postgres`
    log: Path  # the server's log (statements too, where a database sets log_statement)


def logged_transactions(lines: Iterable[str], skip_pids: Collection[int] = ()) -> int:
    """Transactions in a `log_statement = all` log (prefix `... [pid] ...`): each COMMIT or
    ROLLBACK of an explicit block, and each statement a session runs outside one (an implicit
    transaction of its own). Sessions in `skip_pids` (the measuring one) are not counted."""
    in_block: dict[int, bool] = {}
    count = 0
    for line in lines:
        found = _STATEMENT.search(line)
        if found is None or int(found["pid"]) in skip_pids:
            continue
        pid, what = int(found["pid"]), found["what"].strip().rstrip(";").upper()
        if what in ("BEGIN", "START TRANSACTION"):
            in_block[pid] = True
        elif what in ("COMMIT", "ROLLBACK", "END", "ABORT"):
            in_block[pid] = False
            count += 1
        elif not in_block.get(pid, False):
            count += 1
    return count


@asynccontextmanager
async def private_server() -> AsyncIterator[PrivateServer | None]:
    """A cluster of our own, or None without PostgreSQL's server programs on this machine."""
    programs = bindir()
    if programs is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="astracrm_pg_"))
    try:
        port = await asyncio.to_thread(_start, programs, folder)
        try:
            url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
            yield PrivateServer(url, folder / "server.log")
        finally:
            await asyncio.to_thread(_stop, programs, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
