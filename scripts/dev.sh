#!/usr/bin/env bash
# Sets up, builds and runs Configurator locally; prints the URL to open.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
scripts/setup.sh
step "building the Lambdas, the BFF and the seeder"
cargo build -p configurator-lambdas -p configurator-bff
step "building the SPA (trunk)"
trunk build
exec scripts/stack.sh
