"""The idle benchmark's count of transactions from PostgreSQL's statement log."""

from __future__ import annotations

from bench.pg_private import logged_transactions

LOG = """\
2026-12-07 03:17:23.350 UTC [30465] LOG:  statement: BEGIN;
2026-12-07 03:17:23.355 UTC [30465] LOG:  execute __asyncpg_s1: SELECT pg_try_advisory_lock(1)
2026-12-07 03:17:23.355 UTC [30465] DETAIL:  parameters: $1 = '7310312010297001'
2026-12-07 03:17:23.355 UTC [30465] LOG:  statement: COMMIT;
2026-12-07 03:17:23.390 UTC [30466] LOG:  statement: BEGIN;
2026-12-07 03:17:23.394 UTC [30466] LOG:  execute __asyncpg_stmt_bd__: SELECT membership.user_id
2026-12-07 03:17:23.402 UTC [30466] LOG:  execute __asyncpg_stmt_be__: SELECT membership.role
2026-12-07 03:17:23.490 UTC [30466] LOG:  statement: ROLLBACK;
2026-12-07 03:17:24.000 UTC [30470] LOG:  execute <unnamed>: LISTEN astracrm_jobs
2026-12-07 03:17:25.000 UTC [30471] LOG:  execute s2: SELECT pg_stat_clear_snapshot()
2026-12-07 03:17:25.001 UTC [30471] LOG:  execute __asyncpg_stmt_10__: SELECT xact_commit
2026-12-07 03:17:26.000 UTC [30466] LOG:  statement: BEGIN;
"""


def test_counts_blocks_and_statements_outside_them_but_not_the_measuring_session():
    # the lock's block, the tick's block, the LISTEN on its own; an open block is not yet one
    assert logged_transactions(LOG.splitlines(), skip_pids={30471}) == 3
    assert logged_transactions(LOG.splitlines()) == 5


def test_a_line_that_is_no_statement_counts_nothing():
    lines = ["2026-12-07 03:17:24 UTC [1] LOG:  checkpoint starting: time", "", "garbage"]
    assert logged_transactions(lines) == 0
