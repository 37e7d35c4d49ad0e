#!/usr/bin/env bash
# System packages the suite needs beyond PyPI. Idempotent; quiet when all is present.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# emoji in screenshots of the sandbox (cosmetic; the tests do not depend on it)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
if [ "${#missing[@]}" -eq 0 ] || [ "${ASTRACRM_SKIP_SYSTEM_DEPS:-}" = "1" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: install ${missing[*]} for the browser tests (they are skipped without it)" >&2
  exit 0
fi
apt-get update -qq >/dev/null || { echo "note: apt-get update failed; browser tests will be skipped" >&2; exit 0; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || echo "note: could not install ${missing[*]}; browser tests will be skipped" >&2
