// The grep-able rule of one event semantics: no TypeScript file of the SDK, the collector
// and CLI, or the viewer decides what an event means — whether it is an error, a run's or
// a session's status, token totals or clamping, normalisation, redaction. The core does
// (src/model/semantics.rs, src/model/lenient.rs, src/ingest, src/redact, src/view) and the
// TypeScript asks it. A line below that looks like such a decision fails the test, unless
// it is in ALLOWED with the reason it decides nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const DIRS = ["bindings/sdk/src", "bindings/cli/src", "www/src"];

/** What deciding an event's meaning looks like in TypeScript. */
export const RULES = [
  // "is it an error": the core's Facts say so.
  /\b(isErrorEvent|countErrors|eventFacts|FLAG_ERROR)\b/,
  /event_type\s*===?\s*["'](error|tool_error|agent_error|session_end)["']/,
  /\.status\s*===?\s*["'](error|failed|timeout)["']/,
  /\/error\/i?\.test\(/,
  // totals and token clamping: model::semantics::session_total, model::lenient.
  /tokens_(in|out)\s*\+(?!\s*@)/,
  /total_tokens_(in|out)\s*\?\?/,
  /COALESCE\([^)]*tokens/i,
  /Math\.(max|min|floor|trunc)\([^)]*[tT]okens/,
  // redaction: src/redact (patterns of secrets written in TypeScript).
  /\\d\{4\}[^\n]*\\d\{4\}/,
  /\bsk-\[/,
  /\[REDACTED/,
];

/** Lines that match a rule but decide nothing, with why. Keyed by file, then the line's text. */
const ALLOWED = {
  // The tracker's own record of a session the user ended (a lifecycle flag for eviction),
  // not a status derived from events.
  "bindings/sdk/src/core/session.ts": ['if (r.status === "completed") ended++;', 'if (r.status === "completed") {'],
  // The backend's `sort=total_tokens` over the totals the core decided and the store keeps.
  "bindings/cli/src/collector/store-read.ts": ['total_tokens: "(total_tokens_in + total_tokens_out)",'],
  // Storage: what the latest end record said is kept until another end says something;
  // the session's totals are then asked of the core (sessionTokenTotals).
  "bindings/cli/src/collector/store-write.ts": ["end_tokens_in = COALESCE(@tin, end_tokens_in), end_tokens_out = COALESCE(@tout, end_tokens_out),"],
  // The backend's event search bound `min_tokens`/`max_tokens` on one event's stored input
  // plus output counts (as the core normalised them); no session total is decided.
  "bindings/cli/src/collector/store-event-search.ts": ['const EVENT_TOKENS = "(tokens_in + tokens_out)";'],
};

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") && !d.name.endsWith(".d.ts") ? [join(dir, d.name)] : [],
  );
}

test("no TypeScript file decides errors, statuses, totals, normalisation or redaction", () => {
  const files = DIRS.flatMap((d) => sources(join(root, d)));
  assert.ok(files.length > 100, `the sources are found (${files.length})`);
  const found = [];
  for (const file of files) {
    const rel = relative(root, file);
    const allowed = new Set(ALLOWED[rel] ?? []);
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        const text = line.trim();
        if (text.startsWith("//") || text.startsWith("*") || text.startsWith("/*")) return;
        if (RULES.some((r) => r.test(line)) && !allowed.has(text)) found.push(`${rel}:${i + 1}: ${text}`);
      });
  }
  assert.deepEqual(found, []);
});

test("the rules find such decisions (the scan can fail)", () => {
  for (const decision of [
    'if (e.event_type === "tool_error") errors++;',
    'const failed = run.status === "failed";',
    "total += e.tokens_in + e.tokens_out;",
    "const t = Math.max(0, Math.floor(e.tokensIn));",
    "SELECT COALESCE(end_tokens_in, SUM(tokens_in))",
    "const tin = s.total_tokens_in ?? sum;",
    'text.replace(/\\d{4}[ -]?\\d{4}[ -]?\\d{4}/g, "[REDACTED]")',
  ]) {
    assert.ok(RULES.some((r) => r.test(decision)), decision);
  }
});
