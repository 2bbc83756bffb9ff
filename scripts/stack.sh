#!/usr/bin/env bash
# Runs the whole product locally in the foreground: Kafka-protocol broker
# (nisshi, in memory), IdP (oidc-provider), demo data, the Lambdas in local
# mode and the BFF serving the built SPA. Ctrl-C (or SIGTERM) stops them all.
#
# It builds nothing: scripts/dev.sh builds first; the Playwright suite runs it
# on its own ports. Ports and token lifetime come from the environment:
#   BROKER_PORT (9092) IDP_PORT (9400) LAMBDAS_PORT (9300) BFF_PORT (8080)
#   IDP_ACCESS_TOKEN_TTL (300 s)  BIN_DIR (target/debug)  STACK_LOG_DIR (target/stack-<BFF_PORT>)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

BROKER_PORT=${BROKER_PORT:-9092}
IDP_PORT=${IDP_PORT:-9400}
LAMBDAS_PORT=${LAMBDAS_PORT:-9300}
BFF_PORT=${BFF_PORT:-8080}
BIN_DIR=${BIN_DIR:-target/debug}
LOG_DIR=${STACK_LOG_DIR:-target/stack-$BFF_PORT}
mkdir -p "$LOG_DIR"

pids=()
stop_all() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -eq 0 ] && return
  echo "stopping: ${pids[*]}"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "stack: $*" >&2; exit 1; }

# start NAME CMD...: runs CMD in the background with its output in $LOG_DIR/NAME.log.
start() {
  local name=$1; shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=($!)
  echo "started $name (pid $!, log $LOG_DIR/$name.log)"
}

# wait_http NAME URL: until URL answers 2xx (30 s at most).
wait_http() {
  local name=$1 url=$2
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  tail -20 "$LOG_DIR/$name.log" >&2 || true
  fail "$name did not become ready at $url"
}

wait_tcp() {
  local name=$1 port=$2
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  tail -20 "$LOG_DIR/$name.log" >&2 || true
  fail "$name did not open port $port"
}

for bin in configurator-lambdas configurator-bff configurator-seed; do
  [ -x "$BIN_DIR/$bin" ] || fail "$BIN_DIR/$bin is missing: run scripts/dev.sh (it builds) or cargo build"
done
[ -f target/dist/index.html ] || fail "the SPA is not built (target/dist): run scripts/dev.sh or trunk build"
command -v nisshi >/dev/null || fail "nisshi is not installed: run scripts/setup.sh"
[ -d scripts/idp/node_modules ] || fail "the IdP's packages are missing: run scripts/setup.sh"

start broker nisshi broker --storage-engine memory://nisshi/ \
  --listener-url "tcp://127.0.0.1:$BROKER_PORT" --advertised-listener-url "tcp://127.0.0.1:$BROKER_PORT"
start idp env IDP_PORT="$IDP_PORT" IDP_APP_ORIGINS="http://localhost:$BFF_PORT,http://localhost:8081" \
  IDP_TOKEN_LOG="${IDP_TOKEN_LOG:-}" node scripts/idp/server.js
wait_tcp broker "$BROKER_PORT"

export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$BROKER_PORT" OIDC_ISSUER="http://localhost:$IDP_PORT"
"$BIN_DIR/configurator-seed" >"$LOG_DIR/seed.log" 2>&1 || { cat "$LOG_DIR/seed.log" >&2; fail "seeding demo data failed"; }
sed 's/^/seed: /' "$LOG_DIR/seed.log"

start lambdas env LISTEN_ADDR="127.0.0.1:$LAMBDAS_PORT" "$BIN_DIR/configurator-lambdas"
wait_http idp "http://localhost:$IDP_PORT/.well-known/openid-configuration"
start bff env LISTEN_ADDR="127.0.0.1:$BFF_PORT" PUBLIC_URL="${PUBLIC_URL:-http://localhost:$BFF_PORT}" \
  UPSTREAM_URL="http://127.0.0.1:$LAMBDAS_PORT" SPA_DIR="$root/target/dist" "$BIN_DIR/configurator-bff"
wait_http lambdas "http://127.0.0.1:$LAMBDAS_PORT/api/v1/health"
wait_http bff "http://127.0.0.1:$BFF_PORT/healthz"

cat <<MSG

  Configurator is running:  http://localhost:$BFF_PORT/dev/configurator/
  Sign in as alice, oscar or victor (password = user name).  Ctrl-C stops everything.

MSG
# Stay in the foreground until a child dies or we are told to stop.
wait -n "${pids[@]}" || true
fail "a component exited; see the logs in $LOG_DIR"
