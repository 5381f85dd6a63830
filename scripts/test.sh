#!/usr/bin/env bash
# Install everything the suite needs, then run the whole suite.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/contact -x; -n 0 runs in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh full
# One pytest worker per core, at most four (the suite took 29 min on 2 cores in one process, 20 min in two);
# each test file runs whole on one worker, in order (some files are one journey in steps).
workers=$(nproc)
if [ "$workers" -gt 4 ]; then workers=4; fi
exec .venv/bin/python -m pytest -n "$workers" --dist loadfile --durations=25 "$@"
