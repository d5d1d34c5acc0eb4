// A Worker for the workerd smoke test. It imports the package by name (the test maps
// "@agentlens/sdk" to the file the package's `workerd` export condition names), tracks the
// events a request asks for, answers at once, and flushes in `ctx.waitUntil`, the only
// way work outlives a response on an edge runtime. The pipeline is built on the first
// request: workerd forbids drawing random numbers (the core's seed) at global scope.
import * as agentlens from "@agentlens/sdk";

const { createDriver, createHttpExporter, platform } = agentlens;
let state;
let tracker;
const otlpTrackers = [];

function setup(env) {
  const p = platform();
  const exporter = createHttpExporter({ endpoint: env.RECEIVER, apiKey: "edge-key" });
  const host = { now: p.now, wallClock: p.wallClock, send: (r) => exporter.send(r), timer: p.timer, notice: () => {} };
  return { p, driver: createDriver(host, {}) };
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const run = url.searchParams.get("run") ?? "0";
    const n = Number(url.searchParams.get("n") ?? "5");
    if (url.pathname === "/analysis") {
      // The analysis engines through the tracker: compliance, cost and an alert watch.
      const local = new agentlens.Tracker({ exporters: [], logLevel: "silent" });
      let fired = 0;
      const watch = await local.watchAlerts(
        { rules: [{ name: "shell", cooldown_seconds: 600, condition: { type: "pattern", field: "event_type", pattern: "tool_call" } }] },
        () => fired++,
      );
      local.startSession({ agentName: "edge-analysis" });
      local.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 1000, tokensOut: 100 });
      local.trackTool({ toolName: "shell", toolInput: { cmd: "ls" } });
      await local.flush();
      const { report } = await local.compliance("strict");
      const cost = await local.cost();
      watch.stop();
      await local.shutdown(100);
      return Response.json({ compliant: report.compliant, cost: cost.total_cost, fired });
    }
    if (url.pathname === "/tracker") {
      // The public API: init once per isolate, a session per request, flush in waitUntil.
      tracker ??= agentlens.init({ endpoint: env.RECEIVER, apiKey: "edge-key", redactPatterns: [{ name: "ticket", regex: "TICKET-[0-9]{6}" }] });
      const session = tracker.startSession({ agentName: "edge-agent", sessionId: `edge-tracker-${run}` });
      for (let i = 0; i < n; i++) tracker.track({ eventType: "llm_call", model: "gpt-4o", inputData: { seq: i, note: "ref TICKET-000123 é" } });
      ctx.waitUntil(tracker.endSession(session.sessionId));
      return Response.json({ platform: platform().name, sessionId: session.sessionId });
    }
    if (url.pathname === "/otlp") {
      // The OTLP exporter: protobuf (gzipped by workerd's CompressionStream when asked) to
      // the receiver's /v1/traces, a session per request, flushed in waitUntil.
      const gzip = url.searchParams.get("gzip") === "1";
      otlpTrackers[gzip ? 1 : 0] ??= new agentlens.Tracker({
        exporters: [agentlens.createOtlpExporter({ endpoint: `${env.RECEIVER}/v1/traces`, compression: gzip ? "gzip" : "none", serviceName: "edge-otlp" })],
        logLevel: "silent",
      });
      const t = otlpTrackers[gzip ? 1 : 0];
      const sessionId = `edge-otlp-${run}`;
      t.startSession({ agentName: "edge-agent", sessionId });
      for (let i = 0; i < n; i++) t.track({ eventType: "llm_call", model: "gpt-4o", tokensIn: 10 + i, tokensOut: 1, inputData: { prompt: `mail canary.person@example.org, question ${i}` } });
      ctx.waitUntil(t.endSession(sessionId));
      return Response.json({ platform: platform().name, sessionId, compression: typeof CompressionStream });
    }
    state ??= setup(env);
    const events = Array.from({ length: n }, (_, i) => ({
      event_type: "llm_call",
      session_id: `edge-${run}`,
      model: "gpt-4o",
      input_data: { prompt: `mail canary.person@example.org, question ${i}`, seq: i },
    }));
    state.driver.push(events);
    ctx.waitUntil(state.driver.flush());
    return Response.json({ platform: state.p.name, tracked: state.driver.stats().tracked });
  },
};
