#!/usr/bin/env bash
# Builds bindings/wasm to wasm32, runs wasm-bindgen (--target web) and wasm-opt, and
# writes the result into bindings/sdk/wasm/ (the SDK, budget 250,000 B gzipped). Then
# builds it again with the `analysis` feature (every analysis engine) into its own target
# directory and writes bindings/sdk/wasm-analysis/ (@agentlens/sdk/analysis and the viewer,
# budget 500,000 B gzipped), and with the `live` feature (the framework integrations'
# mapper alone) into bindings/sdk/wasm-live/ (budget 150,000 B gzipped), and with the
# `patterns` feature (the regex engine and the OTLP exporters' price data) into
# bindings/sdk/wasm-patterns/ (budget 125,000 B gzipped). Prints each size raw and gzipped.
#
# Uses a rustup toolchain with the wasm32 target when there is one; otherwise Debian's
# rustc-web with -Zbuild-std (see ../shared/TOOLCHAIN.md and scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Size/speed levers, measured in DESIGN.md: std built for size, panics abort at once (so
# no panic message or source location is ever shown: location strings are left out).
build_std_features=${AGENTLENS_BUILD_STD_FEATURES-optimize_for_size}
panic_flags=${AGENTLENS_PANIC_FLAGS-"-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"}
export AGENTLENS_GIT_HEAD=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  use_rustup=1
  base_target_dir=${CARGO_TARGET_DIR:-target/wasm-rustup}
else
  use_rustup=
  base_target_dir=${CARGO_TARGET_DIR:-target/wasm-debian}
fi

# AGENTLENS_WASM_ONLY=wasm-analysis (a label) builds that one alone, while working on it.
# build LABEL OUT TARGET_DIR BUDGET [CARGO_FEATURE_ARGS...]
build() {
  local label=$1 out=$2 target_dir=$3 budget=$4
  shift 4
  if [ -n "${AGENTLENS_WASM_ONLY:-}" ] && [ "$AGENTLENS_WASM_ONLY" != "$label" ]; then return 0; fi
  local start
  start=$(date +%s)
  if [ -n "$use_rustup" ]; then
    CARGO_TARGET_DIR=$target_dir cargo build -q --release --target wasm32-unknown-unknown -p agentlens-wasm "$@"
  else
    CARGO_TARGET_DIR=$target_dir RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
      RUSTFLAGS="--cfg getrandom_backend=\"wasm_js\" $panic_flags" \
      /usr/bin/cargo build -q --release --target wasm32-unknown-unknown -p agentlens-wasm \
      -Zbuild-std=std,panic_abort ${build_std_features:+-Zbuild-std-features=$build_std_features} "$@"
  fi
  local built=$target_dir/wasm32-unknown-unknown/release/agentlens_wasm.wasm

  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen "$built" --out-dir "$out" --target web --out-name agentlens_wasm ${AGENTLENS_BINDGEN_FLAGS:-}
  local raw_before raw gz secs
  raw_before=$(stat -c %s "$out/agentlens_wasm_bg.wasm")
  local wasm_opt=node_modules/.bin/wasm-opt
  if [ -x "$wasm_opt" ] && [ -z "${AGENTLENS_NO_WASM_OPT:-}" ]; then
    "$wasm_opt" -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$out/agentlens_wasm_bg.wasm" -o "$out/agentlens_wasm_bg.opt.wasm"
    mv "$out/agentlens_wasm_bg.opt.wasm" "$out/agentlens_wasm_bg.wasm"
  fi
  raw=$(stat -c %s "$out/agentlens_wasm_bg.wasm")
  gz=$(gzip -9 -c "$out/agentlens_wasm_bg.wasm" | wc -c)
  secs=$(( $(date +%s) - start ))
  printf '%s: %s bytes raw (%s before wasm-opt), %s bytes gzipped; build %ss\n' "$label" "$raw" "$raw_before" "$gz" "$secs"
  if [ "$gz" -gt "$budget" ]; then
    echo "error: gzipped $label $gz bytes exceeds the budget of $budget" >&2; exit 1
  fi
}

build wasm bindings/sdk/wasm "$base_target_dir" $((250 * 1000))
# The collector recycles its analysis instance past a memory high-water mark (wasm memory
# never shrinks): __wbg_reset_state gives a fresh instance of the same compiled module.
AGENTLENS_BINDGEN_FLAGS=--experimental-reset-state-function \
  build wasm-analysis bindings/sdk/wasm-analysis "${base_target_dir}-analysis" $((500 * 1000)) --features analysis
# The mapper runs on every integration record: built for speed (opt-level 3), which
# measured ~2.4x faster mapping natively for its size.
CARGO_PROFILE_RELEASE_OPT_LEVEL=3 build wasm-live bindings/sdk/wasm-live "${base_target_dir}-live" $((150 * 1000)) --features live
# The regex engine for user-supplied redaction patterns, and the price data with its regex
# rules, which the SDK's build leaves out (~90 KB gzipped): loaded only when user patterns
# or an OTLP exporter's costs need it.
build wasm-patterns bindings/sdk/wasm-patterns "${base_target_dir}-patterns" $((125 * 1000)) --features patterns
node scripts/fix-wasm-dts.mjs bindings/sdk/wasm bindings/sdk/wasm-analysis bindings/sdk/wasm-live bindings/sdk/wasm-patterns
