#!/usr/bin/env bash
# Runs every test: formatting, lints, unit and integration tests (the Lambdas
# against a real broker, the BFF against the real IdP) and the browser suite
# (Playwright + Chromium against the whole product). Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

# Each step's wall-clock time, printed at the end (also when a step fails).
steps=() started=() began=$SECONDS
timed() { step "$@"; steps+=("$*"); started+=("$SECONDS"); }
report_times() {
  local status=$1 i end
  printf '\n\033[1m==> time per step\033[0m\n'
  for i in "${!steps[@]}"; do
    end=${started[$((i + 1))]:-$SECONDS}
    printf '%6d s  %s\n' $((end - started[i])) "${steps[i]}"
  done
  printf '%6d s  total, %s\n' $((SECONDS - began)) "$([ "$status" = 0 ] && echo passed || echo "failed (status $status)")"
}
# Background helpers (the test brokers, Redis, the registries, the IdP) to
# stop when the run ends.
bg_pids=()
on_exit() {
  local status=$?
  [ ${#bg_pids[@]} -eq 0 ] || kill "${bg_pids[@]}" 2>/dev/null || true
  report_times "$status"
}
trap on_exit EXIT

timed "setup (scripts/setup.sh: installs what is missing)"
scripts/setup.sh
echo "build output: $TARGET_DIR"
if [ -n "${CI:-}" ]; then
  # CI builds in a fresh clone each time, and cargo keys the workspace's own
  # crates by their path: earlier clones' copies (about 7 GB of debug test
  # binaries a run) are never used again. Forget those over an hour old; the
  # dependencies' artifacts stay and are reused.
  own=(configurator_lambdas configurator_bff configurator_api configurator_app configurator_seed configurator_authorizer)
  for f in lambdas/tests/*.rs lambdas/api/tests/*.rs bff/tests/*.rs lambdas/examples/*.rs bff/examples/*.rs; do
    if [ -e "$f" ]; then own+=("$(basename "$f" .rs | tr - _)"); fi
  done
  for dir in "$TARGET_DIR/debug/deps" "$TARGET_DIR/debug/examples"; do
    [ -d "$dir" ] || continue
    for name in "${own[@]}"; do
      find "$dir" -maxdepth 1 \( -name "$name-*" -o -name "lib$name-*" \) -mmin +60 -delete 2>/dev/null || true
    done
  done
fi

timed "local schema registry: the Confluent-compatible one's tests (python unittest)"
python3 -m unittest discover -s scripts/local -p 'test_*.py'

timed "format (cargo fmt --check)"
cargo fmt --all --check

timed "lints (clippy, warnings are errors)"
cargo clippy --workspace --exclude configurator-app --all-targets -- -D warnings
cargo clippy -p configurator-app --target wasm32-unknown-unknown -- -D warnings

timed "infrastructure: Terraform parses, is formatted, and passes checkov"
scripts/check-terraform.sh

timed "build: Lambdas, BFF, seeder; SPA in release (what ships)"
# `cargo lambda watch` (the direct-invoke test) builds the Lambdas package on
# its own, which resolves features differently from a joint build: build it
# that way first, so that test finds it ready instead of waiting for a compile.
cargo build -p configurator-lambdas
cargo build -p configurator-lambdas -p configurator-bff
trunk build --release

# The integration tests share two in-memory brokers (two clusters: most
# tests use the first, the many-clusters tests both), one Redis (sessions
# shared by two BFFs), two schema registries (AWS Glue's in moto, a
# Confluent-compatible one) and the IdP (service tokens, client credentials),
# on ports of their own. These keep running through the browser tests, so
# none may be one of the browser stacks' (end2end/playwright.config.ts:
# 18080, 19092-19094, 19300, 19400 the IdP, 19500 Glue, 19501;
# live-reload.config.ts: the same in 28xxx and 29xxx). The BFF's own tests
# start IdPs of their own on free ports.
TEST_BROKER_PORT=${TEST_BROKER_PORT:-19192}
TEST_BROKER_B_PORT=${TEST_BROKER_B_PORT:-19193}
TEST_REDIS_PORT=${TEST_REDIS_PORT:-16379}
TEST_GLUE_PORT=${TEST_GLUE_PORT:-19600}
TEST_CONFLUENT_PORT=${TEST_CONFLUENT_PORT:-19601}
TEST_IDP_PORT=${TEST_IDP_PORT:-19602}
# test_broker PORT LOG: an in-memory nisshi in the background, stopped at exit.
test_broker() {
  nisshi broker --storage-engine memory://nisshi/ \
    --listener-url "tcp://127.0.0.1:$1" --advertised-listener-url "tcp://127.0.0.1:$1" >"$2" 2>&1 &
  bg_pids+=($!)
}
test_broker "$TEST_BROKER_PORT" "$TARGET_DIR/test-broker.log"
test_broker "$TEST_BROKER_B_PORT" "$TARGET_DIR/test-broker-b.log"
redis-server --port "$TEST_REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$TARGET_DIR/test-redis.log" 2>&1 &
bg_pids+=($!)
# wait_http NAME URL PID LOG: until URL answers (60 s at most); says why not.
wait_http() {
  local name=$1 url=$2 pid=$3 log=$4 began=$SECONDS
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ $((SECONDS - began)) -ge 60 ]; then
      echo "test.sh: $name did not answer $url ($(kill -0 "$pid" 2>/dev/null && echo "60 s" || echo "it exited")); $log:" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "$name ready after $((SECONDS - began)) s"
}
# test_registries: moto (AWS Glue) with the registry $GLUE_REGISTRY_NAME, and
# the Confluent-compatible registry, in the background, stopped at exit.
test_registries() {
  "$MOTO_SERVER" -H 127.0.0.1 -p "$TEST_GLUE_PORT" >"$TARGET_DIR/test-glue.log" 2>&1 &
  bg_pids+=($!)
  local glue=$!
  python3 "$CONFLUENT_REGISTRY" --host 127.0.0.1 --port "$TEST_CONFLUENT_PORT" >"$TARGET_DIR/test-confluent.log" 2>&1 &
  bg_pids+=($!)
  local confluent=$!
  wait_http "moto (AWS Glue)" "http://127.0.0.1:$TEST_GLUE_PORT/moto-api/" "$glue" "$TARGET_DIR/test-glue.log"
  glue_registry "$TEST_GLUE_PORT"
  wait_http "Confluent-compatible registry" "http://127.0.0.1:$TEST_CONFLUENT_PORT/subjects" "$confluent" \
    "$TARGET_DIR/test-confluent.log"
}
test_registries
# test_idp: scripts/idp/server.js on TEST_IDP_PORT with its defaults (the
# demo service clients orders-service and billing-service, audience
# configurator-api, app origins localhost:8080 and :8081; nothing signs in
# through it): IDP_* settings in the caller's environment (a dev session's
# IDP_ISSUER, IDP_KEYS_FILE…) are dropped. In the background, stopped at exit.
# Ready once discovery answers and orders-service gets a token. About one
# start in two hundred stalls before it listens (bff/tests/support): a start
# silent for 20 s is stopped and tried again, twice.
test_idp() {
  local issuer="http://localhost:$TEST_IDP_PORT" log=$TARGET_DIR/test-idp.log var try pid began
  local idp_env=(env)
  for var in $(compgen -e); do
    case $var in IDP_*) idp_env+=(-u "$var") ;; esac
  done
  if (exec 3<>"/dev/tcp/127.0.0.1/$TEST_IDP_PORT") 2>/dev/null; then
    echo "test.sh: port $TEST_IDP_PORT (TEST_IDP_PORT, the test IdP) is already in use" >&2
    exit 1
  fi
  for try in 1 2 3; do
    "${idp_env[@]}" IDP_PORT="$TEST_IDP_PORT" IDP_ISSUER="$issuer" \
      IDP_APP_ORIGINS=http://localhost:8080,http://localhost:8081 node scripts/idp/server.js >"$log" 2>&1 &
    pid=$!
    bg_pids+=("$pid")
    began=$SECONDS
    until curl -fsS -o /dev/null --max-time 5 "$issuer/.well-known/openid-configuration" 2>/dev/null; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "test.sh: the IdP exited before it answered $issuer; $log:" >&2
        tail -20 "$log" >&2
        exit 1
      fi
      if [ $((SECONDS - began)) -ge 20 ]; then
        echo "test.sh: the IdP did not answer $issuer within 20 s (start $try of 3); $log:" >&2
        tail -5 "$log" >&2
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        unset 'bg_pids[-1]'
        continue 2
      fi
      sleep 0.2
    done
    if ! curl -fsS -o /dev/null --max-time 5 -u orders-service:orders-service-secret \
      -d grant_type=client_credentials "$issuer/token"; then
      echo "test.sh: the IdP at $issuer gave orders-service no token (client credentials); $log:" >&2
      tail -20 "$log" >&2
      exit 1
    fi
    echo "IdP ready after $((SECONDS - began)) s"
    return
  done
  echo "test.sh: the IdP stalled at start three times" >&2
  exit 1
}
test_idp
export CONFIGURATOR_TEST_KAFKA="127.0.0.1:$TEST_BROKER_PORT"
export CONFIGURATOR_TEST_KAFKA_B="127.0.0.1:$TEST_BROKER_B_PORT"
export CONFIGURATOR_TEST_REDIS="redis://127.0.0.1:$TEST_REDIS_PORT"
export CONFIGURATOR_TEST_GLUE="http://127.0.0.1:$TEST_GLUE_PORT"
export CONFIGURATOR_TEST_GLUE_REGISTRY=$GLUE_REGISTRY_NAME
export CONFIGURATOR_TEST_CONFLUENT="http://127.0.0.1:$TEST_CONFLUENT_PORT"
# The issuer: tokens from $CONFIGURATOR_TEST_IDP/token (orders-service and
# billing-service, see scripts/idp/README.md), keys through its discovery.
export CONFIGURATOR_TEST_IDP="http://localhost:$TEST_IDP_PORT"
# Dummy credentials and moto's region: the tests reach only moto, never AWS.
unset AWS_PROFILE AWS_SESSION_TOKEN
export AWS_REGION=$GLUE_REGION AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing

timed "unit and integration tests (cargo test)"
cargo test --workspace --exclude configurator-app

timed "browser tests (Playwright, Debian Chromium)"
(cd end2end && npx playwright test)

timed "browser test: sign-in through \`trunk serve\` (README, SPA live reload)"
(cd end2end && npx playwright test --config live-reload.config.ts)
