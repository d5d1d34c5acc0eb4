// Starts workerd (Cloudflare's runtime, npm @cloudflare/workerd-linux-64) on a config file
// for the edge and wrangler tests, and stops it when the test ends.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

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
