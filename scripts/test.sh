#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and integration tests (the Lambdas
# against a real broker, the BFF against the real IdP) and the browser suite
# (Playwright + Chromium against the whole product). Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

scripts/setup.sh

step "format (cargo fmt --check)"
cargo fmt --all --check

step "lints (clippy, warnings are errors)"
cargo clippy --workspace --exclude configurator-app --all-targets -- -D warnings
cargo clippy -p configurator-app --target wasm32-unknown-unknown -- -D warnings

step "infrastructure: Terraform parses, is formatted, and passes checkov"
scripts/check-terraform.sh

step "build: Lambdas, BFF, seeder; SPA in release (what ships)"
# `cargo lambda watch` (the direct-invoke test) builds the Lambdas package on
# its own, which resolves features differently from a joint build: build it
# that way first, so that test finds it ready instead of waiting for a compile.
cargo build -p configurator-lambdas
cargo build -p configurator-lambdas -p configurator-bff
trunk build --release

# The integration tests share one in-memory broker and one Redis (sessions
# shared by two BFFs), on ports of their own.
TEST_BROKER_PORT=${TEST_BROKER_PORT:-19192}
TEST_REDIS_PORT=${TEST_REDIS_PORT:-16379}
nisshi broker --storage-engine memory://nisshi/ \
  --listener-url "tcp://127.0.0.1:$TEST_BROKER_PORT" \
  --advertised-listener-url "tcp://127.0.0.1:$TEST_BROKER_PORT" >target/test-broker.log 2>&1 &
broker_pid=$!
redis-server --port "$TEST_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >target/test-redis.log 2>&1 &
redis_pid=$!
trap 'kill $broker_pid $redis_pid 2>/dev/null || true' EXIT
export CONFIGURATOR_TEST_KAFKA="127.0.0.1:$TEST_BROKER_PORT"
export CONFIGURATOR_TEST_REDIS="redis://127.0.0.1:$TEST_REDIS_PORT"

step "unit and integration tests (cargo test)"
cargo test --workspace --exclude configurator-app

step "browser tests (Playwright, Debian Chromium)"
(cd end2end && npx playwright test)
