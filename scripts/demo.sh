#!/usr/bin/env bash
# The main job: install what is missing, build the wasm core, the npm package and the
# viewer; start the local collector (`agentlens serve`, on the project's Node 24); run
# the traced demo agent against it; print the collector's explanation of the session and
# the viewer's URL. The collector then keeps serving until Ctrl-C
# (AGENTLENS_DEMO_EXIT=1: stop it and exit once everything is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build-wasm.sh   # incremental: quick when nothing changed
npm run -s build -w @agentlens/sdk
npm run -s build -w @agentlens/cli
npm run -s build:www

node24=node_modules/node/bin/node
cli=bindings/cli/dist/cli/main.js
mkdir -p out
rm -f out/demo.db out/demo.db-wal out/demo.db-shm out/demo-session.txt out/collector.log

"$node24" "$cli" serve --db out/demo.db --port "${AGENTLENS_DEMO_PORT:-0}" >out/collector.log 2>&1 &
collector=$!
stop() { kill "$collector" 2>/dev/null && wait "$collector" 2>/dev/null || true; }
trap stop EXIT

url=
for _ in $(seq 1 100); do
  url=$(grep -o 'listening on http://[0-9.:]*' out/collector.log | head -1 | sed 's/listening on //') || true
  [ -n "$url" ] && break
  kill -0 "$collector" 2>/dev/null || { cat out/collector.log >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the collector did not start; see out/collector.log" >&2; exit 1; }

AGENTLENS_DEMO_COLLECTOR="$url" node examples/demo.mjs
session=$(cat out/demo-session.txt)

printf '\n==> The collector received the session; its explanation (agentlens explain):\n\n'
"$node24" "$cli" explain "$session" --db out/demo.db

printf '\n==> The viewer, served by the collector: %s/?session=%s\n' "$url" "$session"
printf '    The trace file opens in any copy of the viewer too: out/demo-trace.ndjson\n'
if [ "${AGENTLENS_DEMO_EXIT:-}" = "1" ]; then exit 0; fi
printf '    Collecting on %s; press Ctrl-C to stop.\n' "$url"
wait "$collector"
