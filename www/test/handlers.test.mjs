// The analysis panels' worker handlers (www/src/worker-handlers), in Node against the
// core's view of the panels' fixture trace (TraceView from @agentlens/sdk/internal: the
// events held in the analysis wasm, as the viewer's worker holds them). The handlers are
// bundled with esbuild for Node; `@agentlens/sdk/analysis` and `@agentlens/sdk/internal`
// stay imports of the built package's Node entries (the same module instances this test
// uses), never their sources.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decodeNdjson, sessionStats } from "@agentlens/sdk/analysis";
import { TraceView } from "@agentlens/sdk/internal";
import { ALERT_RULES, PLANTED, PLANTED_EXTRA, fixtureNdjson } from "./fixtures/panels/make-fixtures.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const builtEntry = { "@agentlens/sdk/analysis": import.meta.resolve("@agentlens/sdk/analysis"), "@agentlens/sdk/internal": import.meta.resolve("@agentlens/sdk/internal") };
const out = mkdtempSync(join(tmpdir(), "agentlens-handlers-"));
await build({
  entryPoints: [join(here, "../src/worker-handlers/index.ts")],
  outfile: join(out, "handlers.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  conditions: ["node"],
  logLevel: "error",
  plugins: [
    {
      name: "built-agentlens-sdk",
      setup(b) {
        b.onResolve({ filter: /^@agentlens\/sdk\/(analysis|internal)$/ }, (args) => ({ path: builtEntry[args.path], external: true }));
      },
    },
  ],
});
const { handlers } = await import(pathToFileURL(join(out, "handlers.mjs")).href);
rmSync(out, { recursive: true, force: true });

const ndjson = fixtureNdjson();
const view = new TraceView();
view.push(new TextEncoder().encode(ndjson));
view.finish();
const trace = { view, sourceName: "traces/prod run.ndjson.gz" };

/** The expected values: the fixture's events decoded apart, by session, each in time order. */
const decoded = decodeNdjson(ndjson);
assert.deepEqual(decoded.errors, []);
const bySession = new Map();
for (const e of decoded.events) {
  if (!bySession.has(e.session_id)) bySession.set(e.session_id, []);
  bySession.get(e.session_id).push(e);
}
const time = (e) => Date.parse(e.timestamp ?? e.ended_at ?? "") || 0;
for (const list of bySession.values()) list.sort((a, b) => time(a) - time(b));
const store = { size: decoded.events.length, sessionEvents: (id) => bySession.get(id) ?? [] };
const all = view.sessionIds();
assert.deepEqual(all, [...bySession.keys()], "the view holds the sessions in first-seen order");
const normal = all.filter((id) => /^sess-\d+$/.test(id));
const call = (method, params) => handlers[method](trace, params);

test("every panel method is registered under its panel's prefix", () => {
  assert.deepEqual(Object.keys(handlers).sort(), [
    "alerts.evaluate", "charts.data", "compliance.check", "compliance.preset", "drift.compare", "explain.session", "redaction.preview", "redaction.save",
  ]);
});

test("explain.session returns the core's Markdown in both styles", () => {
  const sdk = call("explain.session", { sessionId: "sess-01", style: "sdk" });
  assert.equal(sdk.ok, true);
  assert.match(sdk.markdown, /^## Session Explanation: research-agent/);
  assert.match(sdk.markdown, /\*\*llm_call\*\* \(model: gpt-4o\)/);
  assert.deepEqual(sdk.blocks[0], { kind: "heading", level: 2, text: [{ text: "Session Explanation: research-agent" }] });
  const steps = sdk.blocks.find((b) => b.kind === "list");
  assert.ok(steps.ordered && steps.items.length > 1, "the timeline is an ordered list");
  assert.ok(steps.items.some((item) => item[0].some((span) => span.mark === "strong" && span.text === "llm_call")));
  const backend = call("explain.session", { sessionId: "sess-01", style: "backend" });
  assert.match(backend.markdown, /^## Agent Session: research-agent/);
  assert.match(backend.markdown, /\*\*web_search\*\* tool/);
  // The backend style quotes inputs: they arrive redacted with the default rules.
  const secrets = call("explain.session", { sessionId: "sess-secrets", style: "backend" });
  assert.ok(!secrets.markdown.includes(PLANTED.email));
  assert.equal(call("explain.session", { sessionId: "nope" }).ok, false);
});

test("charts.data agrees with sessionStats and buckets every token and duration", () => {
  const r = call("charts.data", { sessionIds: normal });
  assert.equal(r.ok, true, r.error);
  const events = normal.flatMap((id) => store.sessionEvents(id));
  const stats = sessionStats(events);
  assert.equal(r.totals.tokens_in, stats.tokens_in);
  assert.equal(r.totals.tool_calls, stats.tool_calls);
  assert.equal(r.totals.tool_failures, 4);
  assert.deepEqual(r.byModel.map((m) => m.model).sort(), ["gpt-4o", "gpt-4o-mini"]);
  assert.ok(r.byModel.every((m) => m.total_cost > 0));
  const bucketTokens = r.overTime.buckets.reduce((s, b) => s + b.tokens_in, 0);
  assert.equal(bucketTokens, stats.tokens_in);
  assert.ok(r.overTime.buckets.length <= 60 && r.overTime.buckets.length > 1);
  const binned = r.latency.histogram.reduce((s, b) => s + b.count, 0) + r.latency.overflow;
  assert.equal(binned, stats.latency.count);
  assert.equal(r.latency.stats.p95_ms, stats.latency.p95_ms);
  const shell = r.tools.find((t) => t.tool === "shell");
  assert.equal(shell?.calls, 8);
  assert.equal(call("charts.data", { sessionIds: [] }).ok, false);
});

test("charts.data counts errors by the core's one rule, as the session list and header do", () => {
  const events = all.flatMap((id) => store.sessionEvents(id));
  const errors = sessionStats(events).errors;
  const r = call("charts.data", { sessionIds: all });
  assert.equal(r.ok, true, r.error);
  assert.ok(errors > 0, "the fixture has errors");
  assert.equal(r.totals.errors, errors);
  assert.equal(r.totals.error_rate, errors / events.length);
  view.filter({});
  const listed = view.rows(0, all.length).reduce((n, row) => n + row.errors, 0);
  const headers = all.reduce((n, id) => n + view.header(id).errors, 0);
  assert.deepEqual([listed, headers], [errors, errors]);
});

test("compliance.check: the strict preset flags the shell sessions; each verdict has the report text", () => {
  const r = call("compliance.check", { preset: "strict", sessionIds: normal, checkedAtMs: Date.UTC(2026, 2, 4) });
  assert.equal(r.ok, true, r.error);
  assert.equal(r.policyName, "strict");
  assert.equal(r.sessions.length, 8);
  const late = r.sessions.find((s) => s.sessionId === "sess-06");
  assert.equal(late.report.compliant, false);
  const forbidden = late.report.results.find((x) => x.kind === "forbidden_tools");
  assert.equal(forbidden.verdict, "fail");
  assert.match(late.text, /Compliance Report: strict/);
  assert.equal(r.compliant + r.nonCompliant, 8);
  const preset = call("compliance.preset", { name: "permissive" });
  assert.equal(JSON.parse(preset.policy).name, "permissive");
});

test("compliance.check: an invalid policy gives the engine's error naming the bad rule", () => {
  const bad = JSON.stringify({ name: "broken", rules: [{ kind: "max_error_rate", threshold: 0.1 }, { kind: "max_tokens" }] });
  for (const sessionIds of [normal, []]) {
    const r = call("compliance.check", { policy: bad, sessionIds });
    assert.equal(r.ok, false);
    assert.match(r.error, /rule 1 \(max_tokens\)/);
  }
  assert.match(call("compliance.check", { policy: "{nope", sessionIds: normal }).error, /not valid JSON/);
  assert.match(call("compliance.check", { policy: "[]", sessionIds: normal }).error, /JSON object/);
});

test("drift.compare: early vs late sessions drift, with shell as a new tool; explicit sets work too", () => {
  const r = call("drift.compare", { mode: "split", sessionIds: normal, baselinePercent: 50 });
  assert.equal(r.ok, true, r.error);
  assert.equal(r.baseline.sessions, 4);
  assert.equal(r.current.sessions, 4);
  assert.ok(r.baseline.toMs <= r.current.fromMs);
  assert.notEqual(r.report.status, "stable");
  assert.ok(r.report.drift_score > 30);
  assert.ok(r.report.tool_drifts.find((t) => t.tool_name === "shell").is_new);
  assert.match(r.text, /Behavioral Drift Report/);
  const same = call("drift.compare", { mode: "sets", baseline: ["sess-01", "sess-02"], current: ["sess-02", "sess-01"] });
  assert.equal(same.ok, true, same.error);
  assert.equal(same.report.status, "stable");
  assert.equal(call("drift.compare", { mode: "split", sessionIds: ["sess-01"] }).ok, false);
  assert.match(call("drift.compare", { mode: "sets", baseline: normal, current: normal, threshold: 0 }).error, /threshold/i);
});

test("alerts.evaluate streams the trace in event order and names the event each alert fired on", () => {
  const r = call("alerts.evaluate", { rules: JSON.stringify(ALERT_RULES) });
  assert.equal(r.ok, true, r.error);
  assert.equal(r.rules, 3);
  assert.equal(r.evaluated, store.size);
  const shell = r.alerts.filter((a) => a.alert.rule_name === "shell used");
  assert.ok(shell.length >= 1);
  assert.equal(shell[0].alert.severity, "critical");
  const first = store.sessionEvents("sess-05").find((e) => e.tool_call?.tool_name === "shell");
  assert.equal(shell[0].on.event_id, first.event_id);
  assert.equal(shell[0].on.session_id, "sess-05");
  const indexes = r.alerts.map((a) => a.on.index);
  assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b));
  assert.equal(r.fired, Object.values(r.bySeverity).reduce((s, n) => s + n, 0));
  // Restricted to sessions: only their events are evaluated.
  const early = call("alerts.evaluate", { rules: JSON.stringify(ALERT_RULES.rules), sessionIds: ["sess-01", "sess-02"] });
  assert.equal(early.ok, true, early.error);
  assert.equal(early.fired, 0);
});

test("alerts.evaluate: bad rules give the engine's error", () => {
  const badRegex = { rules: [{ name: "bad", condition: { type: "pattern", field: "model", pattern: "(" } }] };
  assert.match(call("alerts.evaluate", { rules: JSON.stringify(badRegex) }).error, /invalid alert pattern/);
  assert.match(call("alerts.evaluate", { rules: "nope" }).error, /not valid JSON/);
  assert.match(call("alerts.evaluate", { rules: '{"rules": [{"name": "x"}]}' }).error, /AgentLens|missing field/);
});

test("redaction.preview counts every class of planted secret and shows a diff of the changed fields", () => {
  const r = call("redaction.preview", {});
  assert.equal(r.ok, true, r.error);
  assert.equal(r.events, store.size);
  assert.equal(r.written, store.size);
  assert.deepEqual(r.dropped, {});
  for (const name of ["email", "card", "api_key", "bearer"]) assert.ok(r.report.by_pattern[name] > 0, `${name} counted`);
  assert.ok(r.report.keys_redacted >= 2, "api_key and Authorization keys");
  assert.equal(r.compared, store.size);
  assert.ok(r.changed >= 5 && r.changed === r.sample.length);
  assert.ok(r.sample.every((s) => s.session_id === "sess-secrets"));
  const llm = r.sample.find((s) => s.event_type === "llm_call");
  const prompt = llm.changes.find((c) => c.path === "input_data.prompt");
  assert.ok(prompt.before.includes(PLANTED.email) && !prompt.after.includes(PLANTED.email));
  assert.match(prompt.after, /\[REDACTED\]/);
});

test("redaction.save: the saved NDJSON holds every event and no planted secret", () => {
  const r = call("redaction.save", {});
  assert.equal(r.ok, true, r.error);
  assert.equal(r.name, "prod_run.redacted.ndjson");
  const text = new TextDecoder().decode(r.bytes);
  const back = decodeNdjson(text);
  assert.deepEqual(back.errors, []);
  assert.equal(back.header.format, "agentlens-trace");
  assert.equal(back.events.length, store.size);
  for (const [name, secret] of Object.entries(PLANTED)) assert.ok(!text.includes(secret), `${name} leaked`);
  assert.ok(!text.includes(PLANTED.card.replaceAll(" ", "")));
  // The extra rules are off by default: those values are still there, so the scan can fail.
  assert.ok(text.includes(PLANTED_EXTRA.customerRef) && text.includes(PLANTED_EXTRA.ticket));
  // Non-secret content survives.
  assert.ok(text.includes("question 1.0") && text.includes("research-agent"));
});

test("redaction with the user's extra keys and patterns removes those too; a bad pattern is named", () => {
  const params = { extraKeys: ["customer_ref"], extraPatterns: [{ name: "ticket", regex: "ACME-[0-9]{6}" }] };
  const r = call("redaction.save", params);
  assert.equal(r.ok, true, r.error);
  const text = new TextDecoder().decode(r.bytes);
  for (const secret of [...Object.values(PLANTED), ...Object.values(PLANTED_EXTRA)]) assert.ok(!text.includes(secret), `${secret} leaked`);
  const preview = call("redaction.preview", params);
  assert.equal(preview.report.by_pattern.ticket, 1);
  const bad = call("redaction.preview", { extraPatterns: [{ name: "broken", regex: "([a-z" }] });
  assert.equal(bad.ok, false);
  assert.match(bad.error, /broken/);
});
