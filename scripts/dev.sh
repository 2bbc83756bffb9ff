#!/usr/bin/env bash
# Sets up, builds and runs Configurator locally; prints the URL to open.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
printf '\n\033[1m==> building the Lambdas, the BFF and the seeder\033[0m\n'
cargo build -p configurator-lambdas -p configurator-bff
printf '\n\033[1m==> building the SPA (trunk)\033[0m\n'
trunk build
exec scripts/stack.sh
