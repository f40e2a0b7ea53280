#!/usr/bin/env bash
# Set up (first run only) and start the chat studio on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/studio ui "$@"
