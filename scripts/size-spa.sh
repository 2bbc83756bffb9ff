#!/usr/bin/env bash
# Builds the SPA as it ships (release; wasm-opt and the rest of the shrinking in
# scripts/compress-spa.sh) and prints the size of
# each file a browser downloads on first load: raw, and the gzip -9 and
# brotli -q 11 copies the build writes beside it (what the BFF sends).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
trunk build --release >/dev/null 2>&1
total_raw=0 total_gz=0 total_br=0
printf '%-48s %10s %10s %10s\n' file raw gzip brotli
for f in "$TARGET_DIR"/dist/*.wasm "$TARGET_DIR"/dist/*.js "$TARGET_DIR"/dist/*.css "$TARGET_DIR"/dist/index.html; do
  raw=$(stat -c%s "$f"); gz=$(stat -c%s "$f.gz"); br=$(stat -c%s "$f.br")
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  printf '%-48s %10d %10d %10d\n' "$(basename "$f")" "$raw" "$gz" "$br"
done
printf '%-48s %10d %10d %10d\n' "first load, all files" "$total_raw" "$total_gz" "$total_br"
