#!/usr/bin/env bash
# System packages the suite needs beyond PyPI. Idempotent; quiet when all is present.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# emoji in screenshots of the sandbox (cosmetic; the tests do not depend on it)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
# pg_dump and pg_restore for `astracrm backup`/`restore` on PostgreSQL (Debian 12's client is
# 15, the server version the suite runs against; the client must not be older than the server)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
if [ "${#missing[@]}" -eq 0 ] || [ "${ASTRACRM_SKIP_SYSTEM_DEPS:-}" = "1" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: install ${missing[*]} (browser tests are skipped without chromium; PostgreSQL backups need pg_dump)" >&2
  exit 0
fi
apt-get update -qq >/dev/null || { echo "note: apt-get update failed; install ${missing[*]} yourself" >&2; exit 0; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || echo "note: could not install ${missing[*]}" >&2
