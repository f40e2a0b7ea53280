#!/usr/bin/env bash
# The UI tests drive Debian's Chromium headless (never a downloaded browser build).
set -euo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "chromium is missing and I cannot install it (not root, no sudo): apt-get install chromium" >&2
    exit 0
fi
echo "Installing Debian's chromium for the UI tests ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
