#!/usr/bin/env bash
# Re-make requirements.lock from pyproject.toml (universal, Python 3.11). torch and the CUDA wheels it pulls on
# Linux are left out of the lock on purpose: setup.sh installs torch==2.13.0 with pip, which takes a machine's
# configured wheel (the CPU build here) or PyPI's build (CUDA on a user's Linux GPU box).
set -euo pipefail
cd "$(dirname "$0")/.."
uv=.venv/bin/uv
common=(pyproject.toml --extra test --universal --python-version 3.11)
all=$("$uv" pip compile "${common[@]}" --quiet)
skip=()
for p in $(grep -oE '^(torch|triton|nvidia-[a-z0-9-]+|cuda-[a-z0-9-]+)==' <<<"$all" | tr -d '='); do
    skip+=(--no-emit-package "$p")
done
"$uv" pip compile "${common[@]}" "${skip[@]}" -o requirements.lock
