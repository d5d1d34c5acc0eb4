// A realistic agent session for the OTLP tests, through the public tracker API: nested
// runs, LLM calls with cached and reasoning tokens (two providers), tools (one failing),
// a decision, memory read and write, an agent error and a final answer. It returns the
// ids the tracker gave each thing, so the tests can compute every span id on their own
// (FNV-1a as docs/otlp.md specifies, written here independently of the Rust encoder).

/** Secrets planted in prompts: the default redaction must catch each before it leaves. */
export const SECRETS = {
  apiKey: "sk-proj-AbCdEf0123456789GhIjKlMnOpQrStUv",
  email: "jane.doe.canary@example.org",
};
export const PROMPT = `Find the cheapest SFO to JFK flight next Tuesday. Reply to ${SECRETS.email}; my key is ${SECRETS.apiKey}.`;
export const PROMPT_MARK = "cheapest SFO to JFK flight";
export const RESPONSE = "United UA 1532 at 8:05 for $318 meets every constraint.";
export const ANSWER = "Book United UA 1532, $318, seat 23A.";

/**
 * Runs the session on `tracker` and ends it. Resolves with the ids: `{ sessionId, outer,
 * inner (run ids), events: { name: id } }`, and `llm` (the two calls' token counts).
 */
export async function travelSession(tracker, sessionId) {
  const events = {};
  const runs = {};
  tracker.startSession({ agentName: "travel-agent", sessionId });
  await tracker.run(
    "plan_trip",
    async (ctx) => {
      runs.outer = ctx.runId;
      events.chat1 = ctx.llm({ model: "gpt-4o", prompt: PROMPT, response: RESPONSE, tokensIn: 1200, tokensOut: 150, cachedInputTokens: 1000, reasoningTokens: 40, durationMs: 812.5 });
      events.decision = ctx.decision({ reasoning: "Cheapest fare that is not a red-eye.", alternatives: ["Alaska AS 22", "JetBlue B6 16"], confidence: 0.85 });
      await tracker.run("search_flights", async (inner) => {
        runs.inner = inner.runId;
        events.tool = inner.tool({ toolName: "search_flights", toolArgs: { from: "SFO", to: "JFK" }, toolResult: { flights: 14 }, durationMs: 120 });
        events.memoryRead = inner.memoryRead({ key: "user_prefs", memoryType: "key_value", value: { airline: "United" } });
        events.chat2 = inner.llm({ model: "claude-sonnet-4-5", prompt: "Rank these 14 fares.", response: "UA 1532 first.", tokensIn: 300, tokensOut: 60, durationMs: 400 });
      });
      const seatMap = tracker.wrapTool(() => {
        throw new TypeError("seat map unavailable");
      }, "seat_map");
      try {
        seatMap({ flight: "UA1532" });
      } catch {
        // The agent carries on without a seat map.
      }
      events.memoryWrite = ctx.memoryWrite({ key: "last_search", memoryType: "key_value", value: { flight: "UA1532" }, overwrite: false });
      events.error = ctx.error({ errorType: "RateLimitError", message: "fare cache throttled", critical: false });
      events.final = ctx.final({ answer: ANSWER });
    },
    { userId: "user-42" },
  );
  await tracker.endSession(sessionId);
  return { sessionId, runs, events, tokens: { in: 1500, out: 210 } };
}

// --- FNV-1a, as docs/otlp.md specifies the ids ---------------------------------------
const utf8 = new TextEncoder();
function fnv(text, bits, offset, prime) {
  const mask = (1n << BigInt(bits)) - 1n;
  let h = offset;
  for (const b of utf8.encode(text)) h = ((h ^ BigInt(b)) * prime) & mask;
  if (h === 0n) h = 1n;
  return h.toString(16).padStart(bits / 4, "0");
}
/** The trace id of a session (32 hex). */
export const traceIdOf = (session) => fnv(`agentlens-trace:${session}`, 128, 0x6c62272e07bb014262b821756295c58dn, 0x0000000001000000000000000000013bn);
/** Span ids (16 hex). */
export const sessionSpanId = (session) => fnv(`session:${session}`, 64, 0xcbf29ce484222325n, 0x100000001b3n);
export const runSpanId = (session, run) => fnv(`run:${session}:${run}`, 64, 0xcbf29ce484222325n, 0x100000001b3n);
export const eventSpanId = (session, event) => fnv(`event:${session}:${event}`, 64, 0xcbf29ce484222325n, 0x100000001b3n);
