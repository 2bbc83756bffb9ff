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

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
