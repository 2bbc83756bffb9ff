#!/usr/bin/env bash
# Load benchmark of the read path: 1,000 signed-in sessions through the real
# BFF → the Lambdas' local server → a nisshi broker with the demo data, a mix
# of topic list, group detail and browse for BENCH_SECONDS, as fast as this
# machine answers them. Prints p50/p99 per call, the rate, the errors and the
# RSS of the BFF and the Lambdas before and after. Release builds, loopback
# only; stops by itself (bounded by BENCH_SECONDS + 300 s).
# Knobs: BENCH_SECONDS (60), BENCH_SESSIONS (1000), BENCH_CONCURRENCY (16),
# BENCH_MIX (2:1:1, topic lists:group details:browses).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
scripts/setup.sh >/dev/null
step "building release binaries"
cargo build --release -p configurator-lambdas -p configurator-bff
step "running the load benchmark"
cargo run --release -q -p configurator-bff --example bench_load
