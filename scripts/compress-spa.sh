#!/usr/bin/env bash
# trunk's post_build hook (Trunk.toml), release builds only:
# 1. minifies wasm-bindgen's JS glue with terser (trunk's minifier cannot
#    parse its `export default`) and updates its integrity hash in index.html;
# 2. writes a brotli (-q 11) and a gzip (-9) copy beside every file a browser
#    downloads, so the BFF serves them compressed without compressing on each
#    request.
# Debug builds are left alone: this would slow every `trunk serve` rebuild.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
. "$(dirname "$0")/common.sh"
command -v brotli >/dev/null || { echo "brotli is missing: run scripts/setup.sh (apt-get install brotli)" >&2; exit 1; }
[ -x "$TERSER_BIN/terser" ] || { echo "terser is missing: run scripts/setup.sh" >&2; exit 1; }
cd "${TRUNK_STAGING_DIR:?run by trunk}"

sri() { printf 'sha384-%s' "$(openssl dgst -sha384 -binary "$1" | base64 -w0)"; }
for glue in *.js; do
  [ "$glue" = boot.js ] && continue
  before=$(sri "$glue")
  "$TERSER_BIN/terser" "$glue" --module --compress --mangle --output "$glue.min"
  mv "$glue.min" "$glue"
  sed -i "s|$before|$(sri "$glue")|g" index.html
done

for file in *.wasm *.js *.css *.html *.svg; do
  [ -f "$file" ] || continue
  brotli --force --quality=11 --output="$file.br" "$file"
  gzip -9 --force --keep --no-name "$file"
done
