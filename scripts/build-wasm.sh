#!/usr/bin/env bash
# Builds bindings/wasm to wasm32, runs wasm-bindgen (--target web) and wasm-opt, and
# writes the result into bindings/js/wasm/. Prints the size raw and gzipped.
#
# Uses a rustup toolchain with the wasm32 target when there is one; otherwise Debian's
# rustc-web with -Zbuild-std (see ../shared/TOOLCHAIN.md and scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

out=bindings/js/wasm
# Size/speed levers, measured in DESIGN.md: std built for size, panics abort at once.
build_std_features=${AGENTLENS_BUILD_STD_FEATURES-optimize_for_size}
panic_flags=${AGENTLENS_PANIC_FLAGS-"-Zunstable-options -Cpanic=immediate-abort"}
export AGENTLENS_GIT_HEAD=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

start=$(date +%s)
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  target_dir=${CARGO_TARGET_DIR:-target/wasm-rustup}
  CARGO_TARGET_DIR=$target_dir cargo build -q --release --target wasm32-unknown-unknown -p agentlens-wasm
else
  target_dir=${CARGO_TARGET_DIR:-target/wasm-debian}
  CARGO_TARGET_DIR=$target_dir RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    RUSTFLAGS="--cfg getrandom_backend=\"wasm_js\" $panic_flags" \
    /usr/bin/cargo build -q --release --target wasm32-unknown-unknown -p agentlens-wasm \
    -Zbuild-std=std,panic_abort ${build_std_features:+-Zbuild-std-features=$build_std_features}
fi
built=$target_dir/wasm32-unknown-unknown/release/agentlens_wasm.wasm

rm -rf "$out" && mkdir -p "$out"
wasm-bindgen "$built" --out-dir "$out" --target web --out-name agentlens_wasm
raw_before=$(stat -c %s "$out/agentlens_wasm_bg.wasm")
wasm_opt=node_modules/.bin/wasm-opt
if [ -x "$wasm_opt" ] && [ -z "${AGENTLENS_NO_WASM_OPT:-}" ]; then
  "$wasm_opt" -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/agentlens_wasm_bg.wasm" -o "$out/agentlens_wasm_bg.opt.wasm"
  mv "$out/agentlens_wasm_bg.opt.wasm" "$out/agentlens_wasm_bg.wasm"
fi
raw=$(stat -c %s "$out/agentlens_wasm_bg.wasm")
gz=$(gzip -9 -c "$out/agentlens_wasm_bg.wasm" | wc -c)
secs=$(( $(date +%s) - start ))
printf 'wasm: %s bytes raw (%s before wasm-opt), %s bytes gzipped; build %ss\n' "$raw" "$raw_before" "$gz" "$secs"
budget=$((250 * 1000))
if [ "$gz" -gt "$budget" ]; then
  echo "error: gzipped wasm $gz bytes exceeds the budget of $budget" >&2; exit 1
fi
