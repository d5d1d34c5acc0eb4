// Runs one hostile class through every call of hostile-calls.mjs and judges each outcome.
// Shared by hostile-every-call.test.mjs (asserts) and scripts/hostile.mjs (counts, timings).
import * as S from "@agentlens/sdk";
import * as A from "@agentlens/sdk/analysis";
import { AgentLensTracingProcessor } from "@agentlens/sdk/openai-agents";
import { agentlens } from "@agentlens/sdk/ai-sdk";
import { AgentLensSpanProcessor } from "@agentlens/sdk/otel";
import { AgentLensCallbackHandler } from "@agentlens/sdk/langchain";
import { analysisCalls, initOptionCalls, integrationCalls, lowLevelCalls, trackingCalls } from "./hostile-calls.mjs";

const integrations = { AgentLensTracingProcessor, agentlens, AgentLensSpanProcessor, AgentLensCallbackHandler };

/**
 * What a throw was: `named` (an Error whose name is allowed), else the failure's kind:
 * `trap` (a wasm RuntimeError), `RangeError`, `TypeError`, `untyped` (anything else).
 */
export function classify(e, allowed) {
  if (e instanceof Error && allowed.includes(e.name)) return "named";
  if (e instanceof WebAssembly.RuntimeError) return "trap";
  if (e instanceof RangeError) return "RangeError";
  if (e instanceof TypeError) return "TypeError";
  return e instanceof Error ? `untyped ${e.name}` : `untyped ${typeof e}`;
}

/** Runs one call; returns `{ call, kind, ms, message? }` (`kind` "ok", "named" or a failure). */
async function attempt([call, allowed, run], v) {
  // scripts/hostile.mjs --trace: name each call first, so a crash or hang shows which.
  if (process.env.AGENTLENS_HOSTILE_TRACE) process.stderr.write(`call ${call}\n`);
  const t0 = performance.now();
  let kind = "ok";
  let message;
  try {
    const r = run(v);
    if (r instanceof Promise) await r;
  } catch (e) {
    kind = classify(e, allowed);
    if (kind !== "named") message = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 200) : String(typeof e);
  }
  return { call, kind, ms: performance.now() - t0, message };
}

function collectingTracker() {
  const bodies = [];
  const exporter = { name: "collect", format: "agentlens", send: async (r) => (bodies.push(r.body), { status: 200 }) };
  const tracker = S.init({ exporters: [exporter], logger: () => {}, batchSize: 50 });
  return { tracker, bodies };
}

const droppedTotal = (s) => Object.values(s.dropped).reduce((a, b) => a + b, 0);

/**
 * Every call with the value `make()` builds. Returns the per-call results and the
 * tracker's verdict after them: whether a later event was still delivered and whether
 * `tracked = delivered + dropped + sampledOut + pending` holds.
 */
export async function runClass(make, { only } = {}) {
  const v = make();
  const { tracker, bodies } = collectingTracker();
    const results = [];
  const run = async (group, calls) => {
    if (only && !only.includes(group)) return;
    for (const c of calls) results.push({ group, ...(await attempt(c, v)) });
  };
  await run("tracking", trackingCalls(S, tracker));
  await run("integrations", integrationCalls(integrations, tracker));
  await run("analysis", analysisCalls(A));
  // The verdict before the low-level table: its `init(v)` makes a new tracker, which
  // shuts the current one down (as init() does when called again).
  const sentinel = tracker.track({ eventType: "sentinel_after_hostile" });
  await tracker.flush(5_000);
  const s = tracker.stats();
  const delivered = bodies.some((b) => A.decodeWireBody(b).some((e) => e.event_id === sentinel));
  const balanced = s.tracked === s.delivered + droppedTotal(s) + s.sampledOut + s.pending;
  await tracker.shutdown(1_000);
  await run("lowLevel", lowLevelCalls(S));
  return { results, tracking: { delivered, balanced, pending: s.pending, internalErrors: s.internalErrors, tracked: s.tracked } };
}

/** `init()` with `v` in each option: works, or throws `AgentLensConfigError` at once. */
export async function runInitOptions(make) {
  const v = make();
  const out = [];
  for (const c of initOptionCalls(S)) out.push({ group: "init", ...(await attempt(c, v)) });
  return out;
}
