#!/usr/bin/env bash
# Runs the whole product locally in the foreground: Kafka-protocol broker
# (nisshi, in memory), IdP (oidc-provider), demo data, the Lambdas in local
# mode and the BFF serving the built SPA. Ctrl-C (or SIGTERM) stops them all.
#
# It builds nothing: scripts/dev.sh builds first; the Playwright suite runs it
# on its own ports. Ports and token lifetime come from the environment:
#   BROKER_PORT (9092) IDP_PORT (9400) LAMBDAS_PORT (9300) BFF_PORT (8080)
#   IDP_ACCESS_TOKEN_TTL (300 s)  PUBLIC_URL (http://localhost:<BFF_PORT>)
#   BIN_DIR (<target>/debug)  SPA_DIR (<target>/dist)  STACK_LOG_DIR (<target>/stack-<BFF_PORT>)
#   STACK_READY_SECS (90: how long each component may take to start)
# where <target> is $CARGO_TARGET_DIR, or target/ in the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/common.sh

BROKER_PORT=${BROKER_PORT:-9092}
IDP_PORT=${IDP_PORT:-9400}
LAMBDAS_PORT=${LAMBDAS_PORT:-9300}
BFF_PORT=${BFF_PORT:-8080}
PUBLIC_URL=${PUBLIC_URL:-http://localhost:$BFF_PORT}
# Build output follows CARGO_TARGET_DIR (scripts/common.sh), like cargo and trunk.
BIN_DIR=${BIN_DIR:-$TARGET_DIR/debug}
SPA_DIR=${SPA_DIR:-$TARGET_DIR/dist}
LOG_DIR=${STACK_LOG_DIR:-$TARGET_DIR/stack-$BFF_PORT}
# How long each component may take to become ready (wall-clock seconds). A
# 2-core machine that is also compiling gives node and the debug binaries a
# fraction of a core: starts that take 0.5 s idle have taken over 10 s there.
STACK_READY_SECS=${STACK_READY_SECS:-90}
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

# start NAME CMD...: runs CMD in the background with its output in
# $LOG_DIR/NAME.log; its pid is in pid_NAME.
start() {
  local name=$1; shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=($!)
  printf -v "pid_$name" %s $!
  echo "started $name (pid $!, log $LOG_DIR/$name.log)"
}

# gave_up NAME PORT WHY LAST: everything there is to know about a component
# that did not become ready, then exit.
gave_up() {
  local name=$1 port=$2 why=$3 last=$4 pid_var="pid_$1"
  local pid=${!pid_var:-}
  {
    echo "stack: $name did not become ready: $why"
    [ -n "$last" ] && echo "  last check: $last"
    echo "  process: $(ps -o pid=,stat=,etime=,time=,args= -p "$pid" 2>/dev/null || echo "pid $pid is gone")"
    echo "  listening on port $port:"
    listeners "$port" | sed 's/^/    /' | grep . || echo "    nothing"
    echo "  load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    echo "  $LOG_DIR/$name.log (last 40 lines):"
    tail -40 "$LOG_DIR/$name.log" 2>/dev/null | sed 's/^/    | /'
  } >&2
  exit 1
}

# wait_ready NAME PORT CHECK...: runs CHECK until it succeeds; gives up when
# the component exits or after STACK_READY_SECS, saying why.
wait_ready() {
  local name=$1 port=$2 pid_var="pid_$1"; shift 2
  local pid=${!pid_var} began=$SECONDS last status
  until last=$("$@" 2>&1); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" && status=$? || status=$?
      # 128 + N: killed by signal N (SIGTERM 143, SIGKILL 137), e.g. by
      # someone else's `pkill node`: nothing in the log says so.
      [ "$status" -gt 128 ] && status="$status (SIG$(kill -l $((status - 128))))"
      gave_up "$name" "$port" "it exited with status $status after $((SECONDS - began)) s" "$last"
    fi
    if [ $((SECONDS - began)) -ge "$STACK_READY_SECS" ]; then
      gave_up "$name" "$port" "no answer within $STACK_READY_SECS s (STACK_READY_SECS)" "$last"
    fi
    sleep 0.2
  done
  echo "$name ready after $((SECONDS - began)) s"
}
# The checks: an HTTP answer below 400 (curl -f), or an open TCP port.
http_ok() { curl -fsS -o /dev/null --max-time 5 "$1"; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1"); }
# Who listens on a port (iproute2's ss, with the process; empty when nobody does).
listeners() {
  if command -v ss >/dev/null; then ss -Hltnp "sport = :$1" 2>/dev/null || true
  elif tcp_open "$1" 2>/dev/null; then echo "something (install iproute2 for ss to say what)"
  fi
}

for bin in configurator-lambdas configurator-bff configurator-seed; do
  [ -x "$BIN_DIR/$bin" ] || fail "$BIN_DIR/$bin is missing: run scripts/dev.sh (it builds) or cargo build"
done
[ -f "$SPA_DIR/index.html" ] || fail "the SPA is not built ($SPA_DIR): run scripts/dev.sh or trunk build"
command -v nisshi >/dev/null || fail "nisshi is not installed: run scripts/setup.sh"
[ -d scripts/idp/node_modules ] || fail "the IdP's packages are missing: run scripts/setup.sh"

# A port someone else holds would make a component exit, or worse, answer
# the checks below in its place: say so before starting anything.
for port in "$BROKER_PORT" "$IDP_PORT" "$LAMBDAS_PORT" "$BFF_PORT"; do
  holder=$(listeners "$port")
  [ -z "$holder" ] || fail "port $port is already in use (set BROKER_PORT, IDP_PORT, LAMBDAS_PORT, BFF_PORT): $holder"
done

start broker nisshi broker --storage-engine memory://nisshi/ \
  --listener-url "tcp://127.0.0.1:$BROKER_PORT" --advertised-listener-url "tcp://127.0.0.1:$BROKER_PORT"
# The IdP accepts sign-ins coming back to the BFF's own origin, to PUBLIC_URL
# (`trunk serve` in front of the BFF, see the README) and to :8081.
origins=$(printf '%s\n' "http://localhost:$BFF_PORT" "${PUBLIC_URL%/}" http://localhost:8081 | awk '!seen[$0]++' | paste -sd,)
start idp env IDP_PORT="$IDP_PORT" IDP_APP_ORIGINS="$origins" \
  IDP_TOKEN_LOG="${IDP_TOKEN_LOG:-}" node scripts/idp/server.js
wait_ready broker "$BROKER_PORT" tcp_open "$BROKER_PORT"

export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$BROKER_PORT" OIDC_ISSUER="http://localhost:$IDP_PORT"
"$BIN_DIR/configurator-seed" >"$LOG_DIR/seed.log" 2>&1 || { cat "$LOG_DIR/seed.log" >&2; fail "seeding demo data failed"; }
sed 's/^/seed: /' "$LOG_DIR/seed.log"

start lambdas env LISTEN_ADDR="127.0.0.1:$LAMBDAS_PORT" "$BIN_DIR/configurator-lambdas"
# The same URL (and host name) the BFF and the Lambdas discover the IdP at.
wait_ready idp "$IDP_PORT" http_ok "$OIDC_ISSUER/.well-known/openid-configuration"
start bff env LISTEN_ADDR="127.0.0.1:$BFF_PORT" PUBLIC_URL="$PUBLIC_URL" \
  UPSTREAM_URL="http://127.0.0.1:$LAMBDAS_PORT" SPA_DIR="$SPA_DIR" "$BIN_DIR/configurator-bff"
wait_ready lambdas "$LAMBDAS_PORT" http_ok "http://127.0.0.1:$LAMBDAS_PORT/api/v1/health"
wait_ready bff "$BFF_PORT" http_ok "http://127.0.0.1:$BFF_PORT/healthz"

cat <<MSG

  Configurator is running:  http://localhost:$BFF_PORT/dev/configurator/
  Sign in as alice, oscar or victor (password = user name).  Ctrl-C stops everything.

MSG
# Stay in the foreground until a child dies or we are told to stop.
wait -n "${pids[@]}" || true
fail "a component exited; see the logs in $LOG_DIR"
