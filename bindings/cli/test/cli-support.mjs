// Helpers for the CLI tests: run the built `agentlens` command as a child process with a
// chosen Node, in a temporary directory, with a controlled environment.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// AGENTLENS_TEST_CLI: run another build of the CLI (a scratch build while the tree is mid-change).
export const CLI = process.env.AGENTLENS_TEST_CLI ?? fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

const major = (v) => Number(v.replace(/^v/, "").split(".")[0]);
const versionOf = (bin) => {
  const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/** Node >= 22.13 for the store commands: this one if new enough, else the workspace's Node 24. */
export const NODE = (() => {
  const [maj, min] = process.versions.node.split(".").map(Number);
  if (maj > 22 || (maj === 22 && min >= 13)) return process.execPath;
  return fileURLToPath(new URL("../../../node_modules/.bin/node", import.meta.url));
})();

/** An old Node (< 22) for the version gate, or undefined when this machine has none. */
export const OLD_NODE = ["/usr/bin/node", "/usr/local/bin/node"].find((bin) => {
  if (!existsSync(bin)) return false;
  const v = versionOf(bin);
  return v !== undefined && major(v) < 22;
});

/** Environment without the caller's AGENTLENS_* variables, plus `extra`. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AGENTLENS_")) env[k] = v;
  return { ...env, ...extra };
}

/**
 * Runs `agentlens ...args` to completion. Resolves { code, signal, stdout, stderr }.
 * `timeout` only guards against a hang (the child is killed and the test then fails on its exit code).
 */
export function runCli(args, { node = NODE, cwd, env = {}, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [CLI, ...args], { cwd, env: cleanEnv(env), stdio: ["pipe", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** A fresh temporary directory, removed after the test. */
export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), "agentlens-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
