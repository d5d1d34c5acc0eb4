#!/usr/bin/env bash
# Runs every test: formatting, lints, Rust tests, the wasm build, the JS tests.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step bootstrap
bash scripts/bootstrap.sh

step "small rooms (files, functions, import circles) and the one-semantics rule (no TypeScript decides what an event means)"
node scripts/check-rooms.mjs
node --test tests/rooms/*.test.mjs

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy -q --workspace --all-targets --features testing -- -D warnings
# The integrations' wasm (feature live) leaves most of the binding out: lint that build too.
cargo clippy -q -p agentlens-wasm --features live -- -D warnings
# The regex engine's wasm (feature patterns) likewise; and the core as the SDK's wasm builds
# it, without its built-in regex engine.
cargo clippy -q -p agentlens-wasm --features patterns -- -D warnings
cargo clippy -q -p agentlens --no-default-features -- -D warnings

step "cargo test"
cargo test -q --workspace --features testing

step "fuzz: each decoder, importer and the redaction scanner for 3 s (the long run: scripts/fuzz.sh MINUTES)"
# A debug build (the one cargo test made): the hang limit is the long run's (1 s, optimised).
cargo run -q -p agentlens-fuzz -- --seconds 3 --hang-ms 10000

step "wasm build"
bash scripts/build-wasm.sh

step "JS build"
npm run -s build -w @agentlens/sdk
npm run -s build -w @agentlens/cli

step "JS tests: @agentlens/sdk, the tracker and the analysis engines (node --test, the system Node)"
node --test $(find bindings/sdk/test -name "*.test.mjs" | sort)

step "runtime matrix: one scenario on Node 20/22/24, Deno, Bun, Chromium (import map, Vite, esbuild), workerd and Vercel's edge runtime"
node --test tests/matrix/*.test.mjs

# The viewer first: the collector serves the built viewer, and a collector test checks it.
step "viewer build (npm run build:www)"
npm run -s build:www

step "JS tests: @agentlens/cli, the collector and the CLI (node --test, the project's Node 24: node:sqlite)"
node_modules/node/bin/node --test $(find bindings/cli/test -name "*.test.mjs" | sort)

step "viewer tests (node --test, headless Chromium)"
node --test $(find www/test -name "*.test.mjs" | sort)

step "the redaction canary across every package (after the builds): SDK outputs, the collector's database, WAL and logs, the CLI, the viewer's DOM"
node --test tests/canary/*.test.mjs
