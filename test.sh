#!/usr/bin/env bash
# Set up (first run only), install the test system tools if missing, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
scripts/setup-test-system.sh
exec .venv/bin/python -m pytest "$@"
