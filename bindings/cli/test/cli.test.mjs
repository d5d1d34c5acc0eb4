// The `agentlens` command without a database: --help and --version everywhere, usage
// errors and their exit codes, the Node version gate (run with an old Node), config with
// profiles and AGENTLENS_* variables, and the progress bar. The CLI runs as a child
// process, built (npm run build -w @agentlens/cli), as users run it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, NODE, OLD_NODE, runCli, tempDir } from "./cli-support.mjs";

const { createProgress, renderBar } = await import(new URL("../dist/cli/progress.js", import.meta.url).href);
const { COMMANDS } = await import(new URL("../dist/cli/commands.js", import.meta.url).href);
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const NAMES = COMMANDS.map((c) => c.name);

test("the bin starts with a node shebang, so npm can link it", () => {
  assert.match(readFileSync(CLI, "utf8").split("\n")[0], /^#!\/usr\/bin\/env node$/);
});

test("--help lists every command and the exit codes, on stdout, exit 0", async () => {
  for (const flag of ["--help", "-h", "help"]) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    for (const name of ["serve", "stats", "sessions", "runs", "prune", "vacuum", "backup", "export", "import", "explain", "config"]) {
      assert.match(r.stdout, new RegExp(`^  ${name} `, "m"), `${flag} lists ${name}`);
    }
    assert.match(r.stdout, /Exit codes:/);
    assert.match(r.stdout, /^ {2}4 {2}this Node\.js is too old/m);
  }
});

test("every command answers --help and -h with its usage, options and exit codes", async () => {
  assert.ok(NAMES.length >= 11);
  for (const name of NAMES) {
    for (const flag of ["--help", "-h"]) {
      const r = await runCli([name, flag]);
      assert.equal(r.code, 0, `${name} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: agentlens ${name} `), name);
      assert.match(r.stdout, /--db FILE/, `${name} takes --db`);
      assert.match(r.stdout, /Exit codes:/);
    }
  }
  const viaHelp = await runCli(["help", "prune"]);
  assert.equal(viaHelp.code, 0);
  assert.match(viaHelp.stdout, /--retention-days N/);
  assert.match(viaHelp.stdout, /--retention-max-bytes B/);
  assert.match(viaHelp.stdout, /--vacuum/);
});

test("--help wins over everything else on the line, even on an old Node", async () => {
  const r = await runCli(["export", "--all", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: agentlens export RUN_ID \| --all/);
});

test("--version prints the package version", async () => {
  for (const flag of ["--version", "-V"]) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `agentlens ${pkg.version}\n`);
  }
});

test("no command prints the help on stderr and exits 2", async () => {
  const r = await runCli([]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /Usage: agentlens <command>/);
});

test("usage errors exit 2 and name what is wrong", async (t) => {
  const dir = tempDir(t);
  const cases = [
    [["frobnicate"], /unknown command "frobnicate"/],
    [["--db", "x.db"], /unknown option --db: options go after the command/],
    [["stats", "--bogus"], /unknown option --bogus for "stats"/],
    [["stats", "--bogus=secret-value"], /unknown option --bogus for "stats"/],
    [["stats", "-x"], /unknown option -x/],
    [["stats", "extra"], /unexpected argument extra for "stats"/],
    [["prune", "--retention-days"], /option --retention-days needs a value \(N\)/],
    [["prune", "--retention-days", "ten"], /option --retention-days needs an integer/],
    [["prune", "--retention-days=-1"], /option --retention-days must be at least 0/],
    [["prune", "--retention-days", "1", "--retention-days", "2"], /--retention-days was given more than once/],
    [["prune", "--vacuum=yes"], /option --vacuum takes no value/],
    [["export", "--output", "--all"], /option --output needs a value \(FILE\)/],
    [["backup"], /"backup" needs PATH/],
    [["explain"], /"explain" needs SESSION/],
    [["import"], /"import" needs FILE/],
    [["serve", "--port", "70000"], /--port must be in \[0, 65535\]/],
    [["config", "--profile", "turbo"], /option --profile must be one of production, development, debug/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli([...args, "--db", join(dir, "none.db")], { cwd: dir });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.match(r.stderr, /Run "agentlens (\w+ )?--help" for usage\./, args.join(" "));
    assert.doesNotMatch(r.stderr, /secret-value/, "an unknown option's value is not echoed");
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
  assert.equal(existsSync(join(dir, "none.db")), false, "a usage error touches no database");
});

test("export needs exactly one of RUN_ID and --all, and --limit only with --all", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "none.db");
  for (const [args, message] of [
    [["export"], /give a RUN_ID or --all/],
    [["export", "run-1", "--all"], /either RUN_ID or --all, not both/],
    [["export", "run-1", "--limit", "5"], /--limit applies only with --all/],
  ]) {
    const r = await runCli([...args, "--db", db]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("options accept --name=value and --name value alike; -- ends the options", async (t) => {
  const dir = tempDir(t);
  const a = await runCli(["config", "--json", "--db=a.db", "--profile=debug"], { cwd: dir });
  const b = await runCli(["config", "--json", "--db", "a.db", "--profile", "debug"], { cwd: dir });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.equal(JSON.parse(a.stdout).collector.db, "a.db");
  const dashed = await runCli(["explain", "--db", join(dir, "none.db"), "--", "--weird-session"], { cwd: dir });
  assert.equal(dashed.code, 3, "the session id after -- is an argument, not an option");
});

test(
  "on an old Node the store commands exit 4 naming the Node version they need; help, version and config still work",
  { skip: OLD_NODE ? false : "no Node < 22 on this machine" },
  async (t) => {
    const dir = tempDir(t);
    for (const args of [["serve"], ["stats"], ["sessions"], ["runs"], ["prune"], ["vacuum"], ["backup", "b.db"], ["export", "--all"], ["import", "f.ndjson"], ["explain", "s1"]]) {
      const r = await runCli([...args, "--db", join(dir, "x.db")], { node: OLD_NODE, cwd: dir });
      assert.equal(r.code, 4, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`"${args[0]}" needs Node\\.js 22\\.13\\.0 or newer`));
      assert.match(r.stderr, /this is Node\.js 2\d\./);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
    assert.equal(existsSync(join(dir, "x.db")), false);
    assert.equal((await runCli(["--version"], { node: OLD_NODE })).code, 0);
    assert.equal((await runCli(["stats", "--help"], { node: OLD_NODE })).code, 0);
    assert.equal((await runCli(["stats", "--nope"], { node: OLD_NODE })).code, 2, "usage errors come before the gate");
    const config = await runCli(["config", "--json", "--profile", "production"], { node: OLD_NODE });
    assert.equal(config.code, 0, config.stderr);
    assert.equal(JSON.parse(config.stdout).sdk.sampleRate, 0.01);
  },
);

test("the store commands run on the tests' Node", () => {
  const [maj] = process.versions.node.split(".").map(Number);
  assert.ok(NODE === process.execPath || maj < 22);
});

async function configJson(args, env = {}) {
  const r = await runCli(["config", "--json", ...args], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("config --show: defaults with their sources", async () => {
  const r = await runCli(["config", "--show"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Collector/m);
  assert.match(r.stdout, /^ {2}host +127\.0\.0\.1 +\[default\]$/m);
  assert.match(r.stdout, /^ {2}port +3000 +\[default\]$/m);
  assert.match(r.stdout, /^ {2}db +agentlens\.db +\[default\]$/m);
  assert.match(r.stdout, /^SDK/m);
  assert.match(r.stdout, /^ {2}endpoint +http:\/\/localhost:3000 +\[default\]$/m);
  const c = await configJson([]);
  assert.equal(c.collector.profile, null);
  assert.equal(c.collector.compression, true);
  assert.equal(c.collector.retentionDays, 30);
  assert.deepEqual(c.collector.corsOrigins, []);
  assert.equal(c.sdk.logLevel, "warn");
  assert.equal(c.sources["collector.port"], "default");
});

test("config shows the effective value of every default, never a bare -", async () => {
  const r = await runCli(["config"]);
  assert.equal(r.code, 0, r.stderr);
  for (const l of r.stdout.split("\n").filter((x) => x.startsWith("  "))) {
    assert.doesNotMatch(l, /^ {2}\S+ +- +\[/, `a value is shown: ${l}`);
    assert.doesNotMatch(l, /\[core default\]/, l);
  }
  for (const [name, value] of [
    ["sampleRate", "1"], ["onlyOnError", "false"], ["batchSize", "10"], ["flushIntervalMs", "5000"], ["maxRetries", "5"],
    ["requestTimeoutMs", "10000"], ["maxBufferEvents", "5000"], ["maxFieldBytes", "100000"], ["backendCompat", "true"],
    ["redactKeys", "(none besides the built-in keys)"], ["retentionMaxBytes", "(no limit)"], ["corsOrigins", "(none)"],
  ]) {
    assert.match(r.stdout, new RegExp(`^ {2}${name} +${value.replace(/[()]/g, "\\$&")} +\\[default\\]$`, "m"), name);
  }
  const c = await configJson([]);
  assert.deepEqual(
    [c.sdk.sampleRate, c.sdk.onlyOnError, c.sdk.batchSize, c.sdk.flushIntervalMs, c.sdk.maxRetries, c.sdk.requestTimeoutMs, c.sdk.maxBufferEvents, c.sdk.maxFieldBytes, c.sdk.backendCompat, c.sdk.redactKeys],
    [1, false, 10, 5000, 5, 10000, 5000, 100000, true, []],
  );
  for (const name of ["sampleRate", "batchSize", "redactKeys"]) assert.equal(c.sources[`sdk.${name}`], "default", name);
  const env = await configJson([], { AGENTLENS_BATCH_SIZE: "7" });
  assert.deepEqual([env.sdk.batchSize, env.sources["sdk.batchSize"]], [7, "env"]);
});

test("config --profile applies Agent Inspector's presets (C.9)", async () => {
  const prod = await configJson(["--profile", "production"]);
  assert.deepEqual([prod.sdk.sampleRate, prod.sdk.batchSize, prod.sdk.logLevel], [0.01, 100, "warn"]);
  assert.equal(prod.collector.profile, "production");
  assert.equal(prod.sources["collector.profile"], "flag");
  assert.equal(prod.sources["sdk.sampleRate"], "profile");
  const dev = await configJson(["--profile", "development"]);
  assert.deepEqual([dev.sdk.sampleRate, dev.sdk.batchSize, dev.sdk.logLevel, dev.collector.compression], [0.5, 50, "info", true]);
  const debug = await configJson(["--profile", "debug"]);
  assert.deepEqual([debug.sdk.sampleRate, debug.sdk.batchSize, debug.sdk.logLevel], [1, 10, "debug"]);
  assert.equal(debug.collector.compression, false, "debug turns compression off, as Agent Inspector's");
  assert.equal(debug.sources["collector.compression"], "profile");
});

test("config: environment beats the profile, the --profile flag beats AGENTLENS_PROFILE", async () => {
  const env = {
    AGENTLENS_PROFILE: "debug",
    AGENTLENS_SAMPLE_RATE: "0.2",
    AGENTLENS_PORT: "4000",
    AGENTLENS_DB_PATH: "/tmp/from-env.db",
    AGENTLENS_CORS_ORIGINS: "http://a.test, http://b.test",
    AGENTLENS_COMPRESSION: "yes",
    AGENTLENS_RETENTION_DAYS: "7",
    AGENTLENS_RETENTION_MAX_BYTES: "0",
  };
  const c = await configJson([], env);
  assert.equal(c.collector.profile, "debug");
  assert.equal(c.sdk.sampleRate, 0.2);
  assert.equal(c.sources["sdk.sampleRate"], "env");
  assert.equal(c.sdk.batchSize, 10, "the rest of the profile still applies");
  assert.equal(c.collector.port, 4000);
  assert.equal(c.collector.db, "/tmp/from-env.db");
  assert.deepEqual(c.collector.corsOrigins, ["http://a.test", "http://b.test"]);
  assert.equal(c.collector.compression, true, "env beats the debug profile");
  assert.equal(c.collector.retentionDays, 7);
  assert.equal(c.collector.retentionMaxBytes, null, "0 means no limit");
  const flagged = await configJson(["--profile", "production", "--db", "flag.db"], env);
  assert.equal(flagged.collector.profile, "production");
  assert.equal(flagged.sdk.batchSize, 100);
  assert.equal(flagged.collector.db, "flag.db");
  assert.equal(flagged.sources["collector.db"], "flag");
});

test("config never prints the API key or the encryption key", async () => {
  const env = { AGENTLENS_API_KEY: "sk-live-very-secret-1234", AGENTLENS_ENCRYPTION_KEY: "c2VjcmV0LWVuY3J5cHRpb24ta2V5LXZhbHVlLTMyYnl0ZXM=" };
  for (const args of [["config"], ["config", "--json"]]) {
    const r = await runCli(args, { env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /very-secret|c2VjcmV0/);
    assert.match(r.stdout, /\(set\)/);
  }
  const c = await configJson([], env);
  assert.equal(c.collector.apiKey, "(set)");
  assert.equal(c.collector.encryptionKey, "(set)");
  assert.equal(c.sdk.apiKey, "(set)");
});

test("config: a bad AGENTLENS_* variable is a configuration error (exit 2) naming it, without its value", async () => {
  for (const [variable, value] of [
    ["AGENTLENS_SAMPLE_RATE", "7"],
    ["AGENTLENS_PORT", "http"],
    ["AGENTLENS_PROFILE", "fastest"],
    ["AGENTLENS_COMPRESSION", "maybe"],
  ]) {
    const r = await runCli(["config"], { env: { [variable]: value } });
    assert.equal(r.code, 2, `${variable}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(variable));
    assert.doesNotMatch(r.stderr, new RegExp(`\\b${value}\\b`));
  }
});

function fakeStream(isTTY, columns = 60) {
  const writes = [];
  return { isTTY, columns, writes, write: (s) => writes.push(s), text: () => writes.join("") };
}

test("progress: off a terminal only the summary line is printed", () => {
  const s = fakeStream(false);
  const bar = createProgress("import", s);
  for (let i = 0; i <= 1000; i += 10) bar.update(i, 1000);
  bar.finish("imported 1000 events");
  bar.finish("again");
  assert.equal(s.text(), "imported 1000 events\n");
});

test("progress: on a terminal the bar redraws at most once per interval, always at the end, then gives way to the summary", () => {
  const s = fakeStream(true, 60);
  let clock = 0;
  const bar = createProgress("export", s, { intervalMs: 100, now: () => clock });
  bar.update(0, 200);
  for (let i = 1; i < 200; i++) {
    clock += 10;
    bar.update(i, 200);
  }
  bar.update(200, 200);
  bar.finish("exported 200 runs");
  const draws = s.writes.filter((w) => w.includes("export ["));
  assert.ok(draws.length >= 20 && draws.length <= 22, `throttled: ${draws.length} draws`);
  assert.match(draws.at(-1), /\[#+\] 100% 200\/200$/);
  for (const d of draws) {
    assert.ok(d.startsWith("\r\x1b[2K"), "each draw clears the line");
    assert.ok(d.length - 5 <= 59, "fits the terminal");
  }
  assert.equal(s.writes.at(-1), "\r\x1b[2Kexported 200 runs\n");
});

test("progress: bar rendering", () => {
  assert.equal(renderBar("import", 5, 10, 60), "import [####################--------------------]  50% 5/10");
  assert.equal(renderBar("import", 12, undefined, 60), "import 12");
  assert.equal(renderBar("import", 20, 10, 60).endsWith(" 100% 10/10"), true, "clamped");
  assert.ok(renderBar("a-long-label", 1, 3, 20).length <= 19);
});
