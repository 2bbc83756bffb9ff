#!/usr/bin/env bash
# trunk's post_build hook (Trunk.toml): in release builds, writes a brotli
# (-q 11) and a gzip (-9) copy beside every file a browser downloads, so the
# BFF serves them compressed without compressing on each request. Debug
# builds are left alone: compressing them would slow every `trunk serve`
# rebuild for nothing.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
command -v brotli >/dev/null || { echo "brotli is missing: run scripts/setup.sh (apt-get install brotli)" >&2; exit 1; }
cd "${TRUNK_STAGING_DIR:?run by trunk}"
for file in *.wasm *.js *.css *.html *.svg; do
  [ -f "$file" ] || continue
  brotli --force --quality=11 --output="$file.br" "$file"
  gzip -9 --force --keep --no-name "$file"
done
