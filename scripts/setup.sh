#!/usr/bin/env bash
# Create .venv and install the locked dependencies plus this project (editable). Idempotent and fast
# when nothing changed: the lock's hash is remembered inside the venv.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
    echo "MusicGen Pro Studio needs Python 3.11 or 3.12 (found: $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
    exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
if [ ! -x .venv/bin/uv ]; then
    echo "Installing the uv installer into .venv ..."
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
fi
want=$(sha256sum requirements.lock requirements-nodeps.txt pyproject.toml | sha256sum | cut -c1-16)
have=$(cat .venv/.studio-lock 2>/dev/null || true)
if [ "$want" != "$have" ]; then
    echo "Installing locked dependencies (first run takes a few minutes) ..."
    .venv/bin/uv pip sync --quiet --python .venv/bin/python requirements.lock
    .venv/bin/uv pip install --quiet --python .venv/bin/python --no-deps -e . -r requirements-nodeps.txt
    echo "$want" > .venv/.studio-lock
fi
