#!/usr/bin/env bash
# Rebuilds the wasm core in scratch copies with different regex engines and optimisation
# settings, and measures each: size (raw, gzipped) and redaction speed inside wasm over
# the 1 MiB corpus of bench/corpus.mjs. Takes ~1-2 minutes per variant on 2 cores.
#   bash bench/wasm-variants.sh [variant ...]
# The decision these numbers drove is recorded in DESIGN.md ("regex in wasm").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${TMPDIR:-/tmp}/agentlens-wasm-variants
declare -A edits=(
  [current]="true"
  [regex_full_perf]="sed -i 's/features = \[\"std\", \"perf-dfa\"\]/features = [\"std\", \"perf\"]/' Cargo.toml"
  [regex_no_perf]="sed -i 's/features = \[\"std\", \"perf-dfa\"\]/features = [\"std\"]/' Cargo.toml"
  [regex_lite]="sed -i 's/^regex = .*/regex = { package = \"regex-lite\", version = \"0.1.9\" }/' Cargo.toml"
  [opt_z]="sed -i 's/^opt-level = \"s\"/opt-level = \"z\"/' Cargo.toml"
  [no_o3_dfa]="sed -i '/^\[profile.release.package.regex-automata\]/,+1d' Cargo.toml"
)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(current regex_full_perf regex_no_perf regex_lite opt_z no_o3_dfa)
for v in "${variants[@]}"; do
  dir=$scratch/$v
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$dir")
  ln -s "$root/node_modules" "$dir/node_modules"
  (cd "$dir" && eval "${edits[$v]}" && git init -q)
  size=$(cd "$dir" && CARGO_TARGET_DIR=$scratch/target-$v bash scripts/build-wasm.sh 2>&1 | grep '^wasm:' || true)
  speed=$(node "$root/bench/redact-wasm.mjs" "$dir/bindings/sdk/wasm")
  printf '%-16s %s\n%-16s %s\n' "$v" "$size" "" "$speed"
done
