#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian 12 machine; quick and idempotent when
# everything is present. See ../shared/TOOLCHAIN.md for why the wasm route is what it is.
#
# - A Rust toolchain that can target wasm32-unknown-unknown. Preferred: a rustup toolchain
#   that already has the target (a normal developer machine). Fallback: Debian's
#   rustc-web 1.96 + rust-web-src (to build std from source) + lld-22.
# - wasm-bindgen-cli at exactly the version in Cargo.lock.
# - binaryen's wasm-opt (from npm: Debian 12's v108 predates features rustc now emits).
# - Node packages for the JS tests.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# 1. Native Rust (fmt, clippy, tests) comes from rustup.
command -v cargo >/dev/null || { log "cargo not found: install Rust with rustup first"; exit 1; }

# 2. The wasm toolchain.
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "wasm32: rustup toolchain has the target"
else
  apt_install rustc-web cargo-web rust-web-src lld-22
  log "wasm32: using Debian rustc-web with build-std"
fi

# 3. wasm-bindgen CLI matching Cargo.lock.
[ -f Cargo.lock ] || cargo generate-lockfile -q
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (have: ${have:-none}); takes several minutes once"
  # --locked fails against this registry mirror (TOOLCHAIN.md); install unlocked.
  cargo install -q wasm-bindgen-cli --version "$want"
fi

# 4. Chromium for the browser smoke test (Debian's; test tools may not download browsers).
command -v chromium >/dev/null || apt_install chromium

# 5. Node packages (wasm-opt via npm binaryen, test runtimes).
command -v node >/dev/null || apt_install nodejs npm
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "ready"
