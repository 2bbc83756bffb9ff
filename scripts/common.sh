# Shared by the scripts in this folder (sourced, not run).

# Tools that are not cargo or apt installs live here, outside the checkout.
TOOLS_DIR=${CONFIGURATOR_TOOLS_DIR:-$HOME/.cache/configurator}
# wasm-opt from npm's binaryen: Debian's (108) is too old for what rustc emits.
# Keep in step with `wasm_opt` in Trunk.toml.
BINARYEN_VERSION=132.0.0
BINARYEN_BIN=$TOOLS_DIR/binaryen-$BINARYEN_VERSION/node_modules/.bin
# terser minifies wasm-bindgen's JS glue in release builds
# (scripts/compress-spa.sh): trunk's own minifier cannot parse it.
TERSER_VERSION=5.51.2
TERSER_BIN=$TOOLS_DIR/terser-$TERSER_VERSION/node_modules/.bin
export PATH="$BINARYEN_BIN:$HOME/.cargo/bin:$PATH"

# Build output. In CI (CI set, as CI services do) it lives outside the clone,
# under $TOOLS_DIR/target, so a fresh clone reuses the last run's compiled
# dependencies instead of building the workspace from nothing; set
# CARGO_TARGET_DIR to choose another place. Everything that reads build output
# follows TARGET_DIR: cargo and trunk's wasm build (CARGO_TARGET_DIR), trunk's
# dist (TRUNK_BUILD_DIST), scripts/stack.sh (binaries, SPA, logs), the tests.
if [ -n "${CI:-}" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR=$TOOLS_DIR/target
  # Incremental state is kept per source path, and every CI run is a fresh
  # clone at a new path: it would only pile up (11 GB was found) and never be
  # reused.
  export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
fi
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  # cargo reads a relative CARGO_TARGET_DIR from where it runs: pin it here.
  case $CARGO_TARGET_DIR in /*) ;; *) CARGO_TARGET_DIR=$PWD/$CARGO_TARGET_DIR ;; esac
  export CARGO_TARGET_DIR
  TARGET_DIR=$CARGO_TARGET_DIR
  export TRUNK_BUILD_DIST=${TRUNK_BUILD_DIST:-$TARGET_DIR/dist}
else
  TARGET_DIR=$PWD/target
fi

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# The local schema registries (issue #13), for scripts/stack.sh and the tests.
# AWS Glue Schema Registry: moto's server, from a venv of its own under
# $TOOLS_DIR (scripts/setup.sh installs it; boto3 comes with it), holding the
# registry GLUE_REGISTRY_NAME in GLUE_REGION with dummy credentials.
MOTO_VERSION=5.2.5
MOTO_VENV=$TOOLS_DIR/moto
GLUE_REGISTRY_NAME=configurator-local
GLUE_REGION=eu-central-1
MOTO_SERVER=$MOTO_VENV/bin/moto_server
# glue_registry PORT: creates the Glue registry in the moto on 127.0.0.1:PORT
# (idempotent: an existing one is kept).
glue_registry() {
  "$MOTO_VENV/bin/python" scripts/local/glue_registry.py --endpoint "http://127.0.0.1:$1" \
    --registry "$GLUE_REGISTRY_NAME" --region "$GLUE_REGION"
}
# The Confluent-compatible registry: no real one can be installed here, so
# this stdlib-only one, in memory: python3 "$CONFLUENT_REGISTRY" --port PORT.
CONFLUENT_REGISTRY=scripts/local/confluent_registry.py
