#!/usr/bin/env bash
# Benchmarks the BFF: added latency at 1,000 req/s (p50/p99) against calling
# the Lambdas directly, /auth/me throughput, and memory per session.
# Knobs: BENCH_RATE (1000), BENCH_SECONDS (10), BENCH_SESSIONS (1000).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
scripts/setup.sh >/dev/null
step "building release binaries"
cargo build --release -p configurator-lambdas -p configurator-bff
step "running the benchmark"
cargo run --release -q -p configurator-bff --example bench
