#!/usr/bin/env bash
# Install (core only) and start safeconduct on the embedded SQLite database in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh run
DATA="${SAFECONDUCT_DATA:-data}"
if [ ! -f "$DATA/keys/ledger-signing.key" ]; then
  .venv/bin/safeconduct init --data "$DATA"
  echo
  echo "Add the first staff account with:"
  echo "  .venv/bin/safeconduct staff add --data $DATA --username admin --role admin"
  echo
fi
exec .venv/bin/safeconduct serve --data "$DATA" --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
