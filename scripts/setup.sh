#!/usr/bin/env bash
# Installs everything Configurator needs to build, run and test locally.
# Idempotent: each step checks for what it installs and skips when present, so a
# second run takes seconds. Tools go outside the checkout (~/.cargo/bin, apt,
# ~/.cache) so a fresh clone reuses them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

have() { command -v "$1" >/dev/null 2>&1; }
# cargo install builds in a temporary folder of its own, unless
# CARGO_TARGET_DIR is set (scripts/common.sh sets it in CI): keep the tools'
# builds out of the project's build cache.
cargo_tool() { env -u CARGO_TARGET_DIR cargo "$@"; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Versions: keep in step with Cargo.lock (wasm-bindgen) and Trunk.toml.
TRUNK_VERSION=0.21.14
NISSHI_VERSION=0.8.1
# nisshi needs a newer rustc than the project's stable toolchain.
NISSHI_TOOLCHAIN=1.96.1
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

# Debian packages: cmake/libssl/libcurl build librdkafka from source (rdkafka's
# cmake-build feature); chromium drives the browser tests; redis-server backs
# the shared-session test; kafkacat gives kcat for looking at topics by hand;
# brotli and openssl compress the SPA and hash it for its integrity attribute;
# iproute2's ss tells scripts/stack.sh who holds a port.
APT_PACKAGES=(cmake libssl-dev libcurl4-openssl-dev pkg-config chromium redis-server kafkacat brotli openssl iproute2)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt: installing ${missing[*]}"
  sudo_ apt-get update -q
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  step "apt packages present"
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  step "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for c in rustfmt clippy; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done

if ! have wasm-bindgen || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  step "cargo: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  # No --locked: its lock file pins a webpki-roots the registry mirror lacks.
  cargo_tool install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! have trunk || [ "$(trunk --version | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  step "cargo: installing trunk $TRUNK_VERSION (about 8 minutes)"
  cargo_tool install trunk --version "$TRUNK_VERSION" --locked --force
fi

if ! have nisshi || ! nisshi --version 2>/dev/null | grep -q "$NISSHI_VERSION"; then
  step "cargo: installing the nisshi Kafka broker $NISSHI_VERSION (about 18 minutes, once)"
  rustup toolchain list | grep -q "^$NISSHI_TOOLCHAIN" ||
    rustup toolchain install "$NISSHI_TOOLCHAIN" --profile minimal
  cargo_tool "+$NISSHI_TOOLCHAIN" install nisshi --version "$NISSHI_VERSION" --locked --force
fi

if ! cargo lambda --version >/dev/null 2>&1; then
  # The Lambda emulator (`cargo lambda watch`); --no-deps skips ziglang, which
  # only cross-compiling needs.
  step "pip: installing cargo-lambda"
  python3 -m pip install --quiet --no-deps cargo-lambda
fi

if [ ! -x "$BINARYEN_BIN/wasm-opt" ]; then
  step "npm: installing binaryen $BINARYEN_VERSION (wasm-opt) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR/binaryen-$BINARYEN_VERSION"
  npm install --prefix "$TOOLS_DIR/binaryen-$BINARYEN_VERSION" --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION"
fi

if [ ! -x "$TERSER_BIN/terser" ]; then
  step "npm: installing terser $TERSER_VERSION (minifies the SPA's JS) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR/terser-$TERSER_VERSION"
  npm install --prefix "$TOOLS_DIR/terser-$TERSER_VERSION" --no-audit --no-fund --no-save "terser@$TERSER_VERSION"
fi

# wasm-split-cli splits the release wasm into lazily loaded chunks
# (scripts/compress-spa.sh, which names the same version). It is the
# splitter cargo-leptos --split runs, as a binary of its support crate.
WASM_SPLIT_VERSION=0.2.4
if [ ! -x "$TOOLS_DIR/wasm-split-$WASM_SPLIT_VERSION/bin/wasm-split-cli" ]; then
  step "cargo: installing wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_VERSION) into $TOOLS_DIR (about 2 minutes)"
  cargo_tool install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked \
    --root "$TOOLS_DIR/wasm-split-$WASM_SPLIT_VERSION" --force
fi

for dir in scripts/idp end2end; do
  if [ -f "$dir/package-lock.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      step "npm: installing $dir"
      (cd "$dir" && npm ci --no-audit --no-fund)
    fi
  fi
done

# Terraform checks (scripts/check-terraform.sh), pinned so a new release
# cannot change the verdict on its own. checkov brings its own fork of the
# HCL parser, which installs the same `hcl2` module as python-hcl2, so
# python-hcl2 lives in a venv of its own under $TOOLS_DIR.
CHECKOV_VERSION=3.3.30
PYTHON_HCL2_VERSION=8.1.4
HCL2_VENV=$TOOLS_DIR/python-hcl2
dist_version() { "$1" -c "import importlib.metadata as m; print(m.version('$2'))" 2>/dev/null || true; }
if ! have checkov || [ "$(dist_version python3 checkov)" != "$CHECKOV_VERSION" ]; then
  step "pip: installing checkov $CHECKOV_VERSION"
  python3 -m pip install --quiet "checkov==$CHECKOV_VERSION"
fi
if [ "$(dist_version "$HCL2_VENV/bin/python" python-hcl2)" != "$PYTHON_HCL2_VERSION" ]; then
  step "pip: installing python-hcl2 $PYTHON_HCL2_VERSION into $HCL2_VENV"
  python3 -m venv "$HCL2_VENV"
  "$HCL2_VENV/bin/python" -m pip install --quiet "python-hcl2==$PYTHON_HCL2_VERSION"
fi

# The local AWS Glue Schema Registry (moto's server, scripts/common.sh's
# moto_server), in a venv of its own: its pinned botocore/boto3 stay apart
# from checkov's. The Confluent-compatible one is scripts/local/ (stdlib only).
if [ "$(dist_version "$MOTO_VENV/bin/python" moto)" != "$MOTO_VERSION" ] || [ ! -x "$MOTO_SERVER" ]; then
  step "pip: installing moto[server] $MOTO_VERSION (local AWS Glue) into $MOTO_VENV"
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/python" -m pip install --quiet "moto[server]==$MOTO_VERSION"
fi

step "setup complete"
