#!/usr/bin/env bash
# Fuzzes every decoder, importer and the redaction scanner of the core (fuzz/, DESIGN.md
# "fuzzing") for MINUTES minutes per target, one target at a time, in the optimised
# `fuzz` profile. Prints one line per target (inputs run, findings, slowest input) and
# exits 1 when anything was found; findings are written to target/fuzz-findings/<target>/
# (copy one to tests/fixtures/fuzz/<target>/ once fixed, so `cargo test` replays it).
#
#   bash scripts/fuzz.sh MINUTES [--target NAME]... [--seed N] [--hang-ms N]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: scripts/fuzz.sh MINUTES [--target NAME]... [--seed N]}
shift
cargo build -q --profile fuzz -p agentlens-fuzz
exec target/fuzz/agentlens-fuzz --seconds "$(awk "BEGIN{printf \"%d\", $minutes*60}")" "$@"
