// redactPatterns through the regex engine's own module (wasm-patterns/), which the SDK's
// wasm leaves out and is handed when a pattern first needs it (src/core/patterns.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { AgentLensConfigError, Tracker, createRedactor, redactJson } from "@agentlens/sdk";
import { decodeWireBody } from "@agentlens/sdk/analysis";

const quiet = { exporters: [], logLevel: "silent" };
const rules = [
  { name: "ticket", regex: "TICKET-[0-9]{6}" },
  { name: "otp", regex: "(?i-u:otp)[:=](?P<v>[0-9]+)" },
  { name: "acct", regex: "acct (?P<v>[0-9]{4})(?:-(?P<x>[0-9]{2}))?" },
];

/** Runs `code` (an ES module) in a fresh Node process; returns its stdout. */
function fresh(code) {
  return execFileSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" }).trim();
}

test("the engine is loaded only when a pattern needs it", () => {
  const out = fresh(`
    import { init, createRedactor } from "@agentlens/sdk";
    import { patternsInstalled } from "@agentlens/sdk/internal";
    const seen = [];
    const t = init({ exporters: [], logLevel: "silent" });
    t.startSession();
    t.track({ eventType: "llm_call", inputData: { mail: "bob@example.com" } });
    await t.flush();
    createRedactor({})("card 4111 1111 1111 1111");
    seen.push(patternsInstalled());
    createRedactor({ redactPatterns: [{ name: "ticket", regex: "TICKET-[0-9]{6}" }] });
    seen.push(patternsInstalled());
    console.log(JSON.stringify(seen));
  `);
  assert.equal(out, "[false,true]");
});

test("user patterns redact through the engine: value groups, offsets after multi-byte text, the defaults beside them", () => {
  const redact = createRedactor({ redactPatterns: rules });
  const cases = [
    ["日本 TICKET-123456 é", "日本 [REDACTED] é"],
    ["OTP=98765 and otp:1", "OTP=[REDACTED] and otp:[REDACTED]"],
    ["acct 1234-56, acct 9876", "acct [REDACTED]-56, acct [REDACTED]"],
    ["mail bob@example.com TICKET-000001", "mail [REDACTED] [REDACTED]"],
    ["é".repeat(1000) + "TICKET-999999", "é".repeat(1000) + "[REDACTED]"],
    ["nothing here, TICKET-12345 is too short", "nothing here, TICKET-12345 is too short"],
    ["", ""],
  ];
  for (const [text, want] of cases) assert.equal(redact(text), want, text);
  // A haystack that grows the SDK module's memory between calls: the engine reads it anew.
  const big = `${"x".repeat(6 << 20)} TICKET-424242`;
  assert.ok(redact(big).endsWith(" [REDACTED]"));
  assert.equal(redact("TICKET-111111"), "[REDACTED]");
  const { value, report } = redactJson({ redactPatterns: rules }, JSON.stringify({ a: "TICKET-123456", b: ["otp=1"] }));
  assert.deepEqual(JSON.parse(value), { a: "[REDACTED]", b: ["otp=[REDACTED]"] });
  assert.deepEqual(report.by_pattern ?? report.byPattern, { ticket: 1, otp: 1 });
});

test("a bad pattern is refused at init with the regex crate's message, as before", () => {
  assert.throws(
    () => new Tracker({ ...quiet, redactPatterns: [{ name: "broken_rule", regex: "(" }] }),
    (e) => e instanceof AgentLensConfigError && /broken_rule/.test(e.message) && /regex parse error/.test(e.message) && /unclosed group/.test(e.message),
  );
  assert.throws(
    () => new Tracker({ ...quiet, redactPatterns: [{ name: "star", regex: "x*" }] }),
    (e) => e instanceof AgentLensConfigError && /star/.test(e.message) && /empty string/.test(e.message),
  );
});

test("a tracker with redactPatterns delivers redacted events", async () => {
  const bodies = [];
  const exporter = { name: "capture", format: "agentlens", send: async (r) => (bodies.push(r.body), { status: 200 }) };
  const tracker = new Tracker({ exporters: [exporter], logLevel: "silent", redactPatterns: rules });
  const s = tracker.startSession();
  tracker.track({ eventType: "llm_call", inputData: { note: "ref TICKET-000123 é", otp: "otp=4242" } });
  await tracker.endSession(s.sessionId);
  const events = bodies.flatMap((b) => decodeWireBody(b));
  const call = events.find((e) => e.event_type === "llm_call");
  assert.deepEqual(call.input_data, { note: "ref [REDACTED] é", otp: "otp=[REDACTED]" });
  await tracker.shutdown(100);
});

test("a string with many matches is copied into the engine once, not once per match", async () => {
  // The engine's glue is the module the package loads (same file, same instance).
  const glue = await import("../../wasm-patterns/agentlens_wasm.js");
  const proto = glue.RegexEngineWasm.prototype;
  const original = proto.setHaystack;
  let copies = 0;
  proto.setHaystack = function (bytes) {
    copies++;
    return original.call(this, bytes);
  };
  try {
    const redact = createRedactor({ redactPatterns: rules });
    const text = Array.from({ length: 200 }, (_, i) => `TICKET-${String(i).padStart(6, "0")} é`).join(" ");
    copies = 0;
    const out = redact(text);
    assert.equal((out.match(/\[REDACTED\]/g) ?? []).length, 200);
    assert.equal(copies, 1);
    // Two strings: two copies; the second string is searched on its own copy.
    copies = 0;
    assert.equal(redact("TICKET-000001"), "[REDACTED]");
    assert.equal(redact("acct 1234"), "acct [REDACTED]");
    assert.equal(copies, 2);
  } finally {
    proto.setHaystack = original;
  }
});

test("Node 22 and 24, Deno and Bun load the engine by themselves (require of its ES module glue), without @agentlens/sdk/patterns", async () => {
  const { existsSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  const root = fileURLToPath(new URL("../../../../", import.meta.url));
  const entry = fileURLToPath(new URL("../../dist/entrypoints/node.js", import.meta.url));
  const code = `
    const { init, createRedactor } = await import(${JSON.stringify(entry)});
    const rules = [{ name: "ticket", regex: "TICKET-[0-9]{6}" }];
    init({ exporters: [], logLevel: "silent", redactPatterns: rules });
    console.log(createRedactor({ redactPatterns: rules })("a TICKET-123456 é"));
  `;
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(`${tmpdir()}/agentlens-patterns-`);
  const file = `${dir}/run.mjs`;
  writeFileSync(file, code);
  const runtimes = [
    ["Node 24", `${root}node_modules/node/bin/node`, [file]],
    ["Node 22", `${root}node_modules/node22/bin/node`, [file]],
    ["Deno", `${root}node_modules/.bin/deno`, ["run", "-A", file]],
    ["Bun", `${root}node_modules/.bin/bun`, [file]],
  ].filter(([, bin]) => existsSync(bin));
  try {
    assert.ok(runtimes.length >= 2, "the test runtimes are installed (npm ci)");
    for (const [name, bin, args] of runtimes) {
      const out = execFileSync(bin, args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } }).trim();
      assert.equal(out, "a [REDACTED] é", name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
