#!/usr/bin/env bash
# Runs the whole product locally in the foreground: three Kafka-protocol
# brokers (nisshi, in memory) as three clusters, local-a, local-b and
# local-c, each with its own demo data; two schema registries, AWS Glue's
# (moto, registry configurator-local in eu-central-1) for local-a and a
# Confluent-compatible one (scripts/local/confluent_registry.py) for local-b,
# with framed demo records (end2end/tools/registry-producer.mjs), while
# local-c keeps its topics' JSON Schemas in its own built-in store; the IdP
# (oidc-provider); the Lambdas in local mode, serving
# the clusters (a clusters file written to the log dir, CLUSTERS_FILE) under
# scripts/local/policy.toml; and the BFF serving the built SPA. Ctrl-C (or
# SIGTERM) stops them all.
#
# It builds nothing: scripts/dev.sh builds first; the Playwright suite runs it
# on its own ports. Ports and token lifetime come from the environment:
#   BROKER_PORT (9092, local-a) BROKER_B_PORT (9093, local-b) BROKER_C_PORT (9094, local-c)
#   IDP_PORT (9400) LAMBDAS_PORT (9300) BFF_PORT (8080)
#   GLUE_PORT (9500, moto: AWS Glue) CONFLUENT_PORT (9501, Confluent-compatible registry)
#   IDP_ACCESS_TOKEN_TTL (300 s)  PUBLIC_URL (http://localhost:<BFF_PORT>)
#   BIN_DIR (<target>/debug)  SPA_DIR (<target>/dist)  STACK_LOG_DIR (<target>/stack-<BFF_PORT>)
#   STACK_READY_SECS (90: how long each component may take to start)
# where <target> is $CARGO_TARGET_DIR, or target/ in the checkout.
# The log dir also holds clusters.toml and broker-a.pid / broker-b.pid / broker-c.pid (the
# brokers' process ids, so a test can pause one with kill -STOP / -CONT).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/common.sh

BROKER_PORT=${BROKER_PORT:-9092}
BROKER_B_PORT=${BROKER_B_PORT:-9093}
BROKER_C_PORT=${BROKER_C_PORT:-9094}
IDP_PORT=${IDP_PORT:-9400}
LAMBDAS_PORT=${LAMBDAS_PORT:-9300}
BFF_PORT=${BFF_PORT:-8080}
GLUE_PORT=${GLUE_PORT:-9500}
CONFLUENT_PORT=${CONFLUENT_PORT:-9501}
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
# A component that stops on a bad setting prints the reason and, when
# RUST_BACKTRACE is set, anyhow's backtrace under it, which fills the log tail
# shown below and hides the reason. This drops those (panics keep theirs).
export RUST_LIB_BACKTRACE=${RUST_LIB_BACKTRACE:-0}
# Pid files of an earlier run name processes that are gone (or reused).
rm -f "$LOG_DIR/broker-a.pid" "$LOG_DIR/broker-b.pid"

pids=()
stop_all() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -eq 0 ] && return
  echo "stopping: ${pids[*]}"
  # SIGCONT as well: a broker a test paused (kill -STOP) would hold SIGTERM
  # pending and the wait below would never return.
  kill "${pids[@]}" 2>/dev/null || true
  kill -CONT "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  rm -f "$LOG_DIR/broker-a.pid" "$LOG_DIR/broker-b.pid"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "stack: $*" >&2; exit 1; }

# start NAME CMD...: runs CMD in the background with its output in
# $LOG_DIR/NAME.log; its pid is in pid_NAME (a - in NAME becomes _).
start() {
  local name=$1; shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=($!)
  printf -v "pid_${name//-/_}" %s $!
  echo "started $name (pid $!, log $LOG_DIR/$name.log)"
}

# gave_up NAME PORT WHY LAST: everything there is to know about a component
# that did not become ready, then exit.
gave_up() {
  local name=$1 port=$2 why=$3 last=$4 pid_var="pid_${1//-/_}"
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
  local name=$1 port=$2 pid_var="pid_${1//-/_}"; shift 2
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
[ -x "$MOTO_SERVER" ] || fail "moto (the local AWS Glue) is not installed in $MOTO_VENV: run scripts/setup.sh"
# The framed demo records come from end2end's node tool, with end2end's
# packages (scripts/setup.sh installs them, again when the lock file changed).
registry_producer=end2end/tools/registry-producer.mjs
if [ -f "$registry_producer" ]; then
  [ -d end2end/node_modules ] || fail "end2end's packages are missing ($registry_producer needs them): run scripts/setup.sh"
  [ ! end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ] ||
    fail "end2end's packages are older than end2end/package-lock.json ($registry_producer needs them): run scripts/setup.sh"
fi

# A port someone else holds would make a component exit, or worse, answer
# the checks below in its place: say so before starting anything.
ports=("$BROKER_PORT" "$BROKER_B_PORT" "$BROKER_C_PORT" "$IDP_PORT" "$LAMBDAS_PORT" "$BFF_PORT" "$GLUE_PORT" "$CONFLUENT_PORT")
[ "$(printf '%s\n' "${ports[@]}" | sort -u | wc -l)" -eq ${#ports[@]} ] ||
  fail "two components would share a port: ${ports[*]} (BROKER_PORT BROKER_B_PORT BROKER_C_PORT IDP_PORT LAMBDAS_PORT BFF_PORT GLUE_PORT CONFLUENT_PORT)"
for port in "${ports[@]}"; do
  holder=$(listeners "$port")
  [ -z "$holder" ] || fail "port $port is already in use (set BROKER_PORT, BROKER_B_PORT, BROKER_C_PORT, IDP_PORT, LAMBDAS_PORT, BFF_PORT, GLUE_PORT, CONFLUENT_PORT): $holder"
done

# The clusters: id, environment label (the console colours each
# differently), broker port, demo data set (configurator-seed's SEED_DATASET).
clusters=(
  "local-a dev $BROKER_PORT a"
  "local-b staging $BROKER_B_PORT b"
  "local-c sandbox $BROKER_C_PORT a"
)
for cluster in "${clusters[@]}"; do
  read -r id _ port _ <<<"$cluster"
  start "broker-${id#local-}" nisshi broker --storage-engine memory://nisshi/ \
    --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://127.0.0.1:$port"
  echo "${pids[-1]}" >"$LOG_DIR/broker-${id#local-}.pid"
done
# The IdP accepts sign-ins coming back to the BFF's own origin, to PUBLIC_URL
# (`trunk serve` in front of the BFF, see the README) and to :8081.
origins=$(printf '%s\n' "http://localhost:$BFF_PORT" "${PUBLIC_URL%/}" http://localhost:8081 | awk '!seen[$0]++' | paste -sd,)
start idp env IDP_PORT="$IDP_PORT" IDP_APP_ORIGINS="$origins" \
  IDP_TOKEN_LOG="${IDP_TOKEN_LOG:-}" node scripts/idp/server.js
# The schema registries: local-a's AWS Glue (moto), local-b's Confluent-compatible one.
start glue "$MOTO_SERVER" -H 127.0.0.1 -p "$GLUE_PORT"
start confluent python3 "$CONFLUENT_REGISTRY" --host 127.0.0.1 --port "$CONFLUENT_PORT"

# What the Lambdas serve, rewritten on every start (the ports may differ).
clusters_file=$LOG_DIR/clusters.toml
{
  echo "# Written by scripts/stack.sh: its local brokers. Rewritten on every start."
  echo 'default = "local-a"'
  for cluster in "${clusters[@]}"; do
    read -r id environment port _ <<<"$cluster"
    letter=${id#local-}
    printf '\n[[clusters]]\nid = "%s"\nname = "Local %s"\nenvironment = "%s"\nbootstrap_servers = "127.0.0.1:%s"\n' \
      "$id" "${letter^^}" "$environment" "$port"
    case $id in
      local-a) printf '\n[clusters.schema_registry]\nkind = "glue"\nregistry_name = "%s"\nregion = "%s"\n' \
        "$GLUE_REGISTRY_NAME" "$GLUE_REGION" ;;
      local-b) printf '\n[clusters.schema_registry]\nkind = "confluent"\nurl = "http://127.0.0.1:%s"\n' "$CONFLUENT_PORT" ;;
    esac
  done
} >"$clusters_file"

for cluster in "${clusters[@]}"; do
  read -r id _ port dataset <<<"$cluster"
  name=broker-${id#local-}
  wait_ready "$name" "$port" tcp_open "$port"
  log=$LOG_DIR/seed-${id#local-}.log
  SEED_DATASET=$dataset KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$port" "$BIN_DIR/configurator-seed" >"$log" 2>&1 ||
    { cat "$log" >&2; fail "seeding demo data into $id (127.0.0.1:$port) failed"; }
  sed "s/^/seed $id: /" "$log"
done

# The registries, then records framed for them (Avro, Protobuf) on topics of
# their own, schemas.* (apart from the demo.* and logs.* data): local-a's
# through Glue, local-b's through the Confluent-compatible registry.
wait_ready glue "$GLUE_PORT" http_ok "http://127.0.0.1:$GLUE_PORT/moto-api/"
glue_registry "$GLUE_PORT" >"$LOG_DIR/glue-registry.log" 2>&1 ||
  { cat "$LOG_DIR/glue-registry.log" >&2; fail "creating the Glue registry $GLUE_REGISTRY_NAME in moto (127.0.0.1:$GLUE_PORT) failed"; }
sed 's/^/glue: /' "$LOG_DIR/glue-registry.log"
wait_ready confluent "$CONFLUENT_PORT" http_ok "http://127.0.0.1:$CONFLUENT_PORT/subjects"
if [ -f "$registry_producer" ]; then
  for target in a b; do
    if [ "$target" = a ]; then
      what="Glue-framed records into local-a (127.0.0.1:$BROKER_PORT, moto 127.0.0.1:$GLUE_PORT)"
      args=(glue --brokers "127.0.0.1:$BROKER_PORT" --endpoint "http://127.0.0.1:$GLUE_PORT"
        --registry "$GLUE_REGISTRY_NAME" --region "$GLUE_REGION" --topic-prefix schemas.)
    else
      what="Confluent-framed records into local-b (127.0.0.1:$BROKER_B_PORT, registry 127.0.0.1:$CONFLUENT_PORT)"
      args=(confluent --brokers "127.0.0.1:$BROKER_B_PORT" --url "http://127.0.0.1:$CONFLUENT_PORT" --topic-prefix schemas.)
    fi
    log=$LOG_DIR/registry-seed-$target.log
    # Dummy credentials: the only AWS it may reach is moto.
    env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
      node "$registry_producer" "${args[@]}" >"$log" 2>&1 ||
      { cat "$log" >&2; fail "seeding $what failed (node $registry_producer ${args[*]})"; }
    sed "s/^/registry seed local-$target: /" "$log"
  done
else
  echo "registry seed: $registry_producer is not there, so no framed demo records (the registries start empty)"
fi

export OIDC_ISSUER="http://localhost:$IDP_PORT"
# A CLUSTERS_TOML in the caller's environment would clash with CLUSTERS_FILE
# (the Lambdas refuse both at start).
# The lag sampler runs every 5 s locally (every minute in AWS), so a chart
# fills while you watch; LAG_SAMPLER_INTERVAL_MS=0 turns it off.
# local-a's Glue registry is moto, reached with dummy credentials: the
# Lambdas never see a real AWS account's (no profile, no session token).
start lambdas env -u CLUSTERS_TOML -u AWS_PROFILE -u AWS_SESSION_TOKEN LISTEN_ADDR="127.0.0.1:$LAMBDAS_PORT" \
  CLUSTERS_FILE="$clusters_file" POLICY_FILE="$root/scripts/local/policy.toml" \
  OIDC_TOKEN_URL="$OIDC_ISSUER/token" LAG_SAMPLER_INTERVAL_MS="${LAG_SAMPLER_INTERVAL_MS:-5000}" \
  AWS_ENDPOINT_URL_GLUE="http://127.0.0.1:$GLUE_PORT" AWS_REGION="$GLUE_REGION" \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "$BIN_DIR/configurator-lambdas"
# The same URL (and host name) the BFF and the Lambdas discover the IdP at.
wait_ready idp "$IDP_PORT" http_ok "$OIDC_ISSUER/.well-known/openid-configuration"
start bff env LISTEN_ADDR="127.0.0.1:$BFF_PORT" PUBLIC_URL="$PUBLIC_URL" \
  UPSTREAM_URL="http://127.0.0.1:$LAMBDAS_PORT" SPA_DIR="$SPA_DIR" "$BIN_DIR/configurator-bff"
wait_ready lambdas "$LAMBDAS_PORT" http_ok "http://127.0.0.1:$LAMBDAS_PORT/api/v1/health"
wait_ready bff "$BFF_PORT" http_ok "http://127.0.0.1:$BFF_PORT/healthz"

cat <<MSG

  Configurator is running:  http://localhost:$BFF_PORT/dev/configurator/
  Clusters:  local-a (dev)      127.0.0.1:$BROKER_PORT   demo.* topics, group demo-billing
             local-b (staging)  127.0.0.1:$BROKER_B_PORT   logs.* topics, group logs-indexer
             local-c (sandbox)  127.0.0.1:$BROKER_C_PORT   demo.* topics, group demo-billing
  Schema registries:  local-a  AWS Glue (moto)  http://127.0.0.1:$GLUE_PORT  registry $GLUE_REGISTRY_NAME, $GLUE_REGION
                      local-b  Confluent-compatible  http://127.0.0.1:$CONFLUENT_PORT
                      local-c  built-in (per-topic JSON Schemas)
             framed demo records: schemas.orders-avro, schemas.payments-proto (local-a), schemas.events-avro (local-b)
  Service tokens (orders-service, billing-service; scripts/idp/README.md):
             curl -u orders-service:orders-service-secret -d grant_type=client_credentials http://localhost:$IDP_PORT/token
  Sign in as alice (admin), oscar (operator on local-a, reader on local-b) or
  victor (viewer); the password is the user name.  Ctrl-C stops everything.

MSG
# Stay in the foreground until a child dies or we are told to stop.
wait -n "${pids[@]}" || true
fail "a component exited; see the logs in $LOG_DIR"
