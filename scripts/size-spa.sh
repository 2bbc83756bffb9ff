#!/usr/bin/env bash
# Builds the SPA as it ships (release; wasm-opt and the rest of the shrinking in
# scripts/compress-spa.sh) and prints the size of
# each file a browser downloads on first load, then of each lazily loaded chunk: raw, and the gzip -9 and
# brotli -q 11 copies the build writes beside it (what the BFF sends).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
trunk build --release >/dev/null 2>&1
dist=$TARGET_DIR/dist
row() { printf '%-48s %10s %10s %10s\n' "$@"; }
# First load: what index.html names (the page, boot.js, the CSS, the glue and
# the main wasm) and the split loader the glue imports. The chunks
# (split_*/chunk_*.wasm) load only when a page that needs them is opened.
sizes() {
  local label=$1 raw=0 gz=0 br=0 f; shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    r=$(stat -c%s "$f") g=$(stat -c%s "$f.gz") b=$(stat -c%s "$f.br")
    raw=$((raw + r)) gz=$((gz + g)) br=$((br + b))
    row "$(basename "$f")" "$r" "$g" "$b"
  done
  row "$label" "$raw" "$gz" "$br"
}
row file raw gzip brotli
first=()
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css "$dist"/index.html; do
  case $(basename "$f") in split_*|chunk_*) ;; *) first+=("$f") ;; esac
done
sizes "first load, all files" "${first[@]}"
echo
row "chunk (loaded when needed)" raw gzip brotli
sizes "chunks, all" "$dist"/split_*.wasm "$dist"/chunk_*.wasm
