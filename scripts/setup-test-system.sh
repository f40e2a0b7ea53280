#!/usr/bin/env bash
# System tools the tests use, from Debian's packages: chromium (the UI tests drive it headless; never a downloaded
# browser build), espeak-ng and sox (spoken test commands for the voice tests). Installs only what is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "missing ${missing[*]} and I cannot install them (not root, no sudo): apt-get install ${missing[*]}" >&2
    exit 0
fi
echo "Installing Debian's ${missing[*]} for the tests ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
