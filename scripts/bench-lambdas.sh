#!/usr/bin/env bash
# Benchmarks the Lambdas against a broker of their own (release build):
# GET /topics with 10,000 topics vs the raw metadata fetch, browsing 500
# messages, CEL and text filters over 50,000 records, live-tail latency,
# redrive throughput, ingest throughput (batches of 100 events), 500 registry-framed Avro records decoded (against the local
# Confluent-compatible registry), Avro and Protobuf decode/encode per core,
# consumer groups with lag (when its example exists), the clusters
# overview with five clusters (a second broker on BENCH_BROKER_B_PORT), process
# start → first answer, and the binary's size.
# Knobs: BENCH_TOPICS (10000), BENCH_BROKER_PORT (19592), BENCH_BROKER_B_PORT (19594),
# BENCH_REGISTRY_PORT (19595).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
scripts/setup.sh >/dev/null
port=${BENCH_BROKER_PORT:-19592}
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$port"

step "building release binaries"
cargo build --release -p configurator-lambdas --bins --examples

nisshi broker --storage-engine memory://nisshi/ --listener-url "tcp://127.0.0.1:$port" \
  --advertised-listener-url "tcp://127.0.0.1:$port" >"$TARGET_DIR/bench-broker.log" 2>&1 &
broker=$!
port_b=${BENCH_BROKER_B_PORT:-19594}
nisshi broker --storage-engine memory://nisshi/ --listener-url "tcp://127.0.0.1:$port_b" \
  --advertised-listener-url "tcp://127.0.0.1:$port_b" >"$TARGET_DIR/bench-broker-b.log" 2>&1 &
broker_b=$!
registry_port=${BENCH_REGISTRY_PORT:-19595}
python3 scripts/local/confluent_registry.py --port "$registry_port" >"$TARGET_DIR/bench-registry.log" 2>&1 &
registry=$!
trap 'kill $broker $broker_b $registry 2>/dev/null || true' EXIT
sleep 0.5

step "topics and browse"
"$TARGET_DIR/release/examples/bench_api"
step "message tools: filters, masking, live tail, redrive"
"$TARGET_DIR/release/examples/bench_message_tools"
if [ -x "$TARGET_DIR/release/examples/bench_groups" ]; then
  step "consumer groups"
  "$TARGET_DIR/release/examples/bench_groups" "$KAFKA_BOOTSTRAP_SERVERS" 1000 10
fi

step "schema registry: 500 framed Avro records browsed and decoded; codecs per core"
"$TARGET_DIR/release/examples/bench_registry" "$KAFKA_BOOTSTRAP_SERVERS" "http://127.0.0.1:$registry_port"
"$TARGET_DIR/release/examples/bench_codecs"

step "ingest: batches of 100 events through one API process, with a real client-credentials token"
idp_port=19597 ingest_port=19596
IDP_PORT=$idp_port IDP_ISSUER="http://localhost:$idp_port" node scripts/idp/server.js >"$TARGET_DIR/bench-idp.log" 2>&1 &
idp=$!
LISTEN_ADDR="127.0.0.1:$ingest_port" RUST_LOG=warn LAG_SAMPLER_INTERVAL_MS=0 OIDC_ISSUER="http://localhost:$idp_port" \
  POLICY_FILE=scripts/local/policy.toml "$TARGET_DIR/release/configurator-lambdas" >"$TARGET_DIR/bench-ingest-api.log" 2>&1 &
ingest_api=$!
trap 'kill $broker $broker_b $registry $idp $ingest_api 2>/dev/null || true' EXIT
until curl -sf "http://localhost:$idp_port/.well-known/openid-configuration" >/dev/null \
  && curl -sf "http://127.0.0.1:$ingest_port/api/v1/health" >/dev/null; do sleep 0.1; done
"$TARGET_DIR/release/examples/bench_ingest" "http://127.0.0.1:$ingest_port/api/v1" "http://localhost:$idp_port" "$KAFKA_BOOTSTRAP_SERVERS"
kill $ingest_api $idp 2>/dev/null || true

step "clusters overview: five clusters, then one of them hanging"
"$TARGET_DIR/release/examples/bench_clusters" "$KAFKA_BOOTSTRAP_SERVERS" "127.0.0.1:$port_b" 4000

step "process start → first answered request (10 runs)"
api_port=19593
for _ in $(seq 10); do
  start=$(date +%s%N)
  LISTEN_ADDR="127.0.0.1:$api_port" RUST_LOG=warn "$TARGET_DIR/release/configurator-lambdas" &
  pid=$!
  until curl -sf "http://127.0.0.1:$api_port/api/v1/health" >/dev/null; do sleep 0.001; done
  echo "$(( ($(date +%s%N) - start) / 1000000 )) ms"
  kill $pid; wait $pid 2>/dev/null || true
done | sort -n | awk '{a[NR]=$1} END {print "start → health answered: p50 " a[int((NR+1)/2)] " ms, max " a[NR] " ms"}'

step "binary size"
bin=$TARGET_DIR/release/configurator-lambdas
strip -o "$TARGET_DIR/configurator-lambdas.stripped" "$bin"
echo "configurator-lambdas: $(du -k "$bin" | cut -f1) KB, stripped $(du -k "$TARGET_DIR/configurator-lambdas.stripped" | cut -f1) KB, zipped $(gzip -9c "$TARGET_DIR/configurator-lambdas.stripped" | wc -c | awk '{printf "%d", $1/1024}') KB"
