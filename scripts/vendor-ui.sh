#!/usr/bin/env bash
# Vendor wavesurfer.js (BSD-3) and its Regions plugin from the npm registry into public/vendor/ for the
# chat's waveform editor. Chainlit's custom elements cannot import npm packages, so the element loads
# these files from /public/vendor at run time. Idempotent: skips when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${WAVESURFER_VERSION:-8.0.1}
dest=public/vendor
if [ "$(cat "$dest/VERSION" 2>/dev/null || true)" = "$VERSION" ]; then
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Vendoring wavesurfer.js $VERSION from npm into $dest ..."
npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$tmp" "wavesurfer.js@$VERSION" >/dev/null
dist="$tmp/node_modules/wavesurfer.js/dist"
mkdir -p "$dest"
cp "$dist/wavesurfer.esm.js" "$dest/wavesurfer.esm.js"
cp "$dist/plugins/regions.esm.js" "$dest/regions.esm.js"
cp "$tmp/node_modules/wavesurfer.js/LICENSE" "$dest/LICENSE-wavesurfer"
echo "$VERSION" > "$dest/VERSION"
