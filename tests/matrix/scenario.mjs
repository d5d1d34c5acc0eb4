// The runtime matrix's one scenario (issue 17), written against the public API only and
// runtime-neutral: no `process`, `Deno`, `window`, file system or timers of its own. Each
// runtime's driver imports it, gives it a loopback endpoint and a session id, and reports
// the JSON result it returns; tests/matrix/matrix.test.mjs checks that result and what the
// receiver got. The same file runs on Node, Deno, Bun, in Chromium (import map, Vite,
// esbuild), in workerd and in Vercel's edge runtime.
//
// What it does: a session with two nested runs; an LLM call whose prompt and fields hold
// planted secrets; a tool call; a failing tool (which throws, with a secret in its message);
// a decision and a final answer (or the same agent work done through a framework
// integration: tests/matrix/via/, integrations.test.mjs). That is phase one, after which an
// edge driver answers its request. Phase two: `explain()`; the session ends and everything
// is flushed; the trace the tracker wrote (an in-memory NDJSON exporter) is imported with
// `@agentlens/sdk/analysis` and checked against the strict compliance preset; shutdown.
import { Tracker, createHttpExporter, platform } from "@agentlens/sdk";
// The regex engine for `redactPatterns`: browsers fetch it here; elsewhere it loads by itself.
import "@agentlens/sdk/patterns";
import { checkCompliance, compliancePreset, importTrace, sessionCost } from "@agentlens/sdk/analysis";

/** The planted secrets: none may appear in what leaves the tracker or in `explain()`. */
export const SECRETS = {
  sk: "sk-proj-MATRIX0123456789abcdefghijkl",
  aws: "AKIAIOSFODNN7MATRIX1",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYXRyaXgifQ.bWF0cml4c2lnbmF0dXJl",
  email: "matrix.canary@example.org",
  card: "4111 1111 1111 1111",
  ssn: "123-45-6789",
  bearer: "Bearer matrixBEARER0123456789",
  password: "matrix-hunter2-pw",
  apiKey: "matrix-plain-api-key-value",
  authorization: "matrix-auth-header-value",
  /** Sent as a JSON number, not a string. */
  cardDigits: "4111111111111111",
  /** In a URL's query string, by parameter name. */
  urlToken: "matrixurltoken0123456789",
  amzSignature: "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
  /** Found by the scenario's own pattern (`redactPatterns`), not by a default one. */
  booking: "BOOKREF-424242",
};

/** The event types the session must deliver, in order. */
export const EXPECTED_TYPES = [
  "session_start", "run_start", "llm_call", "run_start", "tool_call", "tool_error", "run_end",
  "decision", "final", "run_end", "session_end",
];

const S = SECRETS;
const PROMPT = `Book a flight. My key is ${S.sk}, AWS ${S.aws}, card ${S.card}, ssn ${S.ssn}, mail ${S.email}, token ${S.jwt}, booking ${S.booking}`;

/** An exporter that keeps the NDJSON the tracker writes, to import it afterwards. */
function memoryNdjsonExporter() {
  const chunks = [];
  return {
    chunks,
    exporter: {
      name: "memory-ndjson",
      format: "ndjson",
      send: async (request) => {
        chunks.push(request.body.slice());
        return { status: 200 };
      },
    },
  };
}

const accounting = (s) => ({
  tracked: s.tracked, delivered: s.delivered, dropped: s.dropped, sampledOut: s.sampledOut, pending: s.pending,
});

/** The agent's work through the tracker's own API: nested runs, an LLM call, a tool, a failing tool. */
async function trackDirectly(tracker, sessionId) {
  const shell = tracker.wrapTool(async (command) => {
    throw new Error(`shell refused ${command.cmd}: credentials ${S.sk} rejected for ${S.email}`);
  }, "shell");
  await tracker.run("plan-trip", async (outer) => {
    outer.llm({
      model: "gpt-4o", prompt: { text: PROMPT, password: S.password, headers: { Authorization: S.authorization } },
      response: `Searching flights for ${S.email}`, tokensIn: 1200, tokensOut: 80, durationMs: 420,
    });
    await tracker.run("book", async (inner) => {
      inner.tool({
        toolName: "search_flights",
        toolArgs: { from: "SFO", to: "CDG", auth: S.bearer, card: Number(S.cardDigits), callback: `https://api.example.com/v1/book?token=${S.urlToken}&X-Amz-Signature=${S.amzSignature}` },
        toolResult: { flights: 2 }, durationMs: 35,
      });
      try {
        await shell({ cmd: "cat ~/.aws/credentials" });
      } catch {
        // The agent goes on: the failure is recorded as a tool_error.
      }
    });
    outer.decision({ reasoning: "the cheaper flight; the shell tool failed", alternatives: ["wait for a refund"], confidence: 0.8 });
    outer.final({ answer: `Booked AF83 for ${S.email}` });
  }, { sessionId });
}

/**
 * Phase one: tracks the session; nothing is flushed yet (an edge runtime answers its
 * request after this phase). Resolves with the state `finishScenario` takes
 * and `early`, what is known before delivery.
 *
 * `via`, when given, does the agent's work (an LLM call, a tool, a failing tool) through a
 * framework integration instead of the tracker's own API: `via(tracker, { prompt,
 * secrets, sessionId })`, after the session started; it resolves with the integration's
 * flush, which phase two calls first (in `waitUntil` on an edge runtime).
 *
 * @param {{ endpoint: string, sessionId: string, apiKey?: string, via?: Function }} options
 */
export async function trackScenario({ endpoint, sessionId, apiKey = "matrix-key", via }) {
  const memory = memoryNdjsonExporter();
  const tracker = new Tracker({
    exporters: [createHttpExporter({ endpoint, apiKey }), memory.exporter],
    logLevel: "silent",
    redactPatterns: [{ name: "booking_ref", regex: "BOOKREF-[0-9]{6}" }],
  });
  tracker.startSession({ agentName: "matrix-agent", sessionId, metadata: { runtime: platform().name, api_key: S.apiKey } });
  let flushIntegration;
  if (via) {
    // The agent's work through a framework integration (tests/matrix/via/): it records
    // into this tracker and joins the session as its framework says (the started session,
    // a conversation id, a group id), with the framework's own runs.
    flushIntegration = await via(tracker, { prompt: PROMPT, secrets: S, sessionId });
  } else {
    await trackDirectly(tracker, sessionId);
  }
  return { state: { tracker, memory, sessionId, flushIntegration }, early: { platform: platform().name, stats: accounting(tracker.stats()) } };
}

/**
 * Phase two: flushes the integration, if any (its records reach the tracker then),
 * explains the session, ends it (which flushes), imports the NDJSON the tracker wrote with
 * the analysis entry, checks it against the strict preset, prices it, and shuts down.
 * Resolves with the scenario's result (plain JSON).
 */
export async function finishScenario({ tracker, memory, sessionId, flushIntegration }) {
  await flushIntegration?.();
  const explain = tracker.explain(sessionId);
  await tracker.endSession(sessionId);
  const flushed = await tracker.flush(10_000);
  const ndjson = memory.chunks.map((c) => new TextDecoder().decode(c)).join("");
  const imported = importTrace(ndjson);
  const events = imported.events.filter((e) => e.session_id === sessionId);
  const { report, text } = checkCompliance(compliancePreset("strict"), events);
  const cost = sessionCost(events);
  const final = await tracker.shutdown(10_000);
  return {
    sessionId,
    explain,
    flushed,
    ndjson,
    imported: { format: imported.format, types: events.map((e) => e.event_type), warnings: imported.warnings.length },
    compliance: {
      compliant: report.compliant,
      failed: report.results.filter((r) => r.verdict === "fail").map((r) => r.kind),
      firstLine: text.split("\n")[0],
    },
    cost: { tokensIn: cost.tokens_in, tokensOut: cost.tokens_out, total: cost.total_cost },
    stats: { ...accounting(final), perExporter: final.perExporter.map((e) => ({ name: e.name, ...accounting(e) })) },
    internalErrors: final.internalErrors,
  };
}

/** Both phases in one: the result, with `early` (what phase one saw). */
export async function runScenario(options) {
  const { state, early } = await trackScenario(options);
  return { ...(await finishScenario(state)), early };
}
