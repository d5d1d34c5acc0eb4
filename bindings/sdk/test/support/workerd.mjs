// Starts workerd (Cloudflare's runtime, npm @cloudflare/workerd-linux-64) on a config file
// for the edge and wrangler tests, and stops it when the test ends; and bundles a worker
// and serves it with the package's wasm, for the integrations' workerd tests.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/**
 * Starts `bin serve configPath` and resolves with its port, read from the control channel
 * once it listens; rejects if it exits first (the 20 s guard only stops a hang).
 */
export async function startWorkerd(bin, configPath, t) {
  const proc = spawn(bin, ["serve", configPath, "--control-fd=3"], { stdio: ["ignore", "pipe", "pipe", "pipe"] });
  let output = "";
  proc.stdout.on("data", (c) => (output += c));
  proc.stderr.on("data", (c) => (output += c));
  const exited = once(proc, "exit");
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      await exited;
    }
  });
  const port = await new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`workerd did not start listening:\n${output}`)), 20_000);
    createInterface({ input: proc.stdio[3] }).on("line", (line) => {
      const msg = JSON.parse(line);
      if (msg.event === "listen" && msg.socket === "http") {
        clearTimeout(guard);
        resolve(msg.port);
      }
    });
    exited.then(([code]) => {
      clearTimeout(guard);
      reject(new Error(`workerd exited with ${code}:\n${output}`));
    });
  });
  return { port, output: () => output };
}

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const pkgDir = fileURLToPath(new URL("../../", import.meta.url));
const esbuildBin = join(root, "node_modules/.bin/esbuild");
const workerdBin = join(root, "node_modules/@cloudflare/workerd-linux-64/bin/workerd");

/** Why a bundled-worker test cannot run here, or false. */
export const skipBundledWorker = [esbuildBin, workerdBin].every(existsSync) ? false : "esbuild or workerd is not installed (npm ci)";

/**
 * Bundles `entry` with esbuild for workerd (the `workerd` export condition, the package's
 * wasm kept as modules, as wrangler does), serves it with every wasm module of the package
 * (wasm/, wasm-analysis/, wasm-live/) and a `RECEIVER` text binding, on 127.0.0.1; stops it
 * when the test ends. `esbuildArgs` are added to the bundle's command line;
 * `compatibilityFlags` go into the worker's config. Resolves with `{ port, output }`.
 */
export async function serveBundledWorker(t, { entry, receiverUrl, esbuildArgs = [], compatibilityFlags = [] }) {
  const dir = await mkdtemp(join(tmpdir(), "agentlens-workerd-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await symlink(pkgDir, join(dir, "pkg")); // embed paths are relative to the config
  const outfile = join(dir, "bundle/out/worker.js");
  execFileSync(esbuildBin, [entry, "--bundle", "--format=esm", "--platform=neutral", "--conditions=workerd,worker,browser", "--external:*.wasm", ...esbuildArgs, `--outfile=${outfile}`, "--log-level=error"], { cwd: root, stdio: "pipe" });
  const config = workerdConfig({ wasmRoot: "pkg", receiverUrl, compatibilityFlags });
  await writeFile(join(dir, "config.capnp"), config);
  return startWorkerd(workerdBin, join(dir, "config.capnp"), t);
}

/**
 * A workerd config serving `bundle/out/worker.js` (relative to the config file) with every
 * wasm module of the package under `${wasmRoot}/wasm…/` (the bundle's `../../wasm…/`
 * imports name them), a `RECEIVER` text binding and outbound access to 127.0.0.1 only.
 */
export function workerdConfig({ wasmRoot, receiverUrl, compatibilityFlags = [] }) {
  const wasm = readdirSync(pkgDir).filter((d) => d.startsWith("wasm") && existsSync(join(pkgDir, d, "agentlens_wasm_bg.wasm")));
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker), (name = "loopback", network = (allow = ["local"]))],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "bundle/out/worker.js", esModule = embed "bundle/out/worker.js"),
${wasm.map((d) => `    (name = "${d}/agentlens_wasm_bg.wasm", wasm = embed "${wasmRoot}/${d}/agentlens_wasm_bg.wasm"),`).join("\n")}
  ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ${JSON.stringify(compatibilityFlags)},
  bindings = [(name = "RECEIVER", text = ${JSON.stringify(receiverUrl)})],
  globalOutbound = "loopback",
);
`;
}
