#!/usr/bin/env bash
# The main job: install what is missing, build the wasm core and the npm package, run the
# traced demo agent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build-wasm.sh   # incremental: quick when nothing changed
npm run -s build -w agentlens
node examples/demo.mjs
