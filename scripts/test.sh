#!/usr/bin/env bash
# Runs every test: formatting, lints, Rust tests, the wasm build, the JS tests.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step bootstrap
bash scripts/bootstrap.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy -q --workspace --all-targets --features testing -- -D warnings

step "cargo test"
cargo test -q --workspace --features testing

step "wasm build"
bash scripts/build-wasm.sh

step "JS build"
npm run -s build -w agentlens

step "JS tests (node --test)"
node --test $(find bindings/js/test -name "*.test.mjs" | sort)
