#!/usr/bin/env bash
# Install what safeconduct needs on a fresh Debian machine. Idempotent: fast when all is there.
#   scripts/setup.sh run    the server (core packages and the court-dossier extra)
#   scripts/setup.sh full   everything the whole test suite needs (Debian packages, all extras)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"
PY="${PYTHON:-python3}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "need root for: $*" >&2; return 1; fi; }

# mat2 + exiftool: the server removes hidden details (GPS, device, author) from what contacts send.
DEBS="libimage-exiftool-perl mat2"
if [ "$MODE" = full ]; then
  # ffmpeg: media; chromium: real-browser tests; espeak-ng, festival + sox: speech;
  # fonts-dejavu-core: Arabic-capable PDF font; poppler-utils: reading PDFs back in tests.
  DEBS="$DEBS ffmpeg chromium espeak-ng festival festvox-us-slt-hts sox fonts-dejavu-core poppler-utils"
fi
if command -v dpkg >/dev/null; then
  missing=""
  for p in $DEBS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    echo "Installing Debian packages:$missing"
    if ! { as_root apt-get update -q &&
           DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends $missing; }; then
      [ "$MODE" = full ] && exit 1
      echo "Could not install$missing: contacts' files will be marked 'not cleaned' until they are." >&2
    fi
  fi
fi
if [ "$MODE" = full ]; then
  # PostgreSQL for the tests that run on it (the suite refuses to skip them in CI).
  if command -v pg_ctlcluster >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$MODE" = full ]; then
  .venv/bin/python -m pip install -q -e ".[dev,ledger,voice,testimony]"
else
  # The server with court dossiers (PDF + bundle); voice and testimony tools are the other extras.
  .venv/bin/python -m pip install -q -e ".[ledger]"
fi
