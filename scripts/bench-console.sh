#!/usr/bin/env bash
# Benchmarks the console as it ships: the SPA's first-load size (raw, gzip,
# brotli) and, with 10,000 topics in the broker, the time from a keystroke in
# the topics search to the painted table, measured in Chromium with the
# Performance API against release builds of the BFF and the Lambdas
# (end2end/tests/performance.spec.ts; the report lands in end2end/test-results).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
scripts/setup.sh >/dev/null

step "release builds"
cargo build --release -p configurator-lambdas -p configurator-bff --bins

step "first load (scripts/size-spa.sh)"
scripts/size-spa.sh

step "search with 10,000 topics (release BFF and Lambdas)"
cd end2end
BIN_DIR="$TARGET_DIR/release" npx playwright test tests/performance.spec.ts
report=$(find test-results -name search-latency.json -newer ../Cargo.lock | head -1)
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const x of r.results)
    console.log(`${x.how.padEnd(6)} ${x.query.padEnd(16)} painted ${x.painted.toFixed(0).padStart(4)} ms  (api ${x.api.toFixed(0)} ms)`);
  console.log(`median: ${r.median_painted_ms.toFixed(0)} ms keystroke → painted table (api ${r.median_api_ms.toFixed(0)} ms, console ${r.median_console_ms.toFixed(0)} ms); longest task: ${Math.max(0, ...r.long_tasks_ms)} ms`);
' "$report"
