#!/usr/bin/env bash
# Install everything the suite needs, then run the whole suite.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/contact -x).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh full
exec .venv/bin/python -m pytest "$@"
